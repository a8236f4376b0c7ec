/**
 * The page and its assets, read from disk once: the HTML, script and style under `static/`, and
 * Chart.js's UMD build from node_modules (served by the dashboard itself, never from a CDN).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));

/** chart.js exports no dist/ subpath; its UMD build sits beside the CommonJS entry. */
function chartJsPath(): string {
  return join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
}

const FILES: Record<string, { path: () => string; contentType: string }> = {
  '/': { path: () => join(STATIC_DIR, 'index.html'), contentType: 'text/html; charset=utf-8' },
  '/dashboard.js': { path: () => join(STATIC_DIR, 'dashboard.js'), contentType: 'text/javascript; charset=utf-8' },
  '/dashboard.css': { path: () => join(STATIC_DIR, 'dashboard.css'), contentType: 'text/css; charset=utf-8' },
  '/chart.umd.min.js': { path: chartJsPath, contentType: 'text/javascript; charset=utf-8' },
};

const cache = new Map<string, Promise<StaticFile>>();

/** The file served at `path`, or undefined when there is none. */
export function staticFile(path: string): Promise<StaticFile> | undefined {
  const file = Object.hasOwn(FILES, path) ? FILES[path] : undefined;
  if (file === undefined) return undefined;
  let loaded = cache.get(path);
  if (loaded === undefined) {
    loaded = readFile(file.path()).then((body) => ({ body, contentType: file.contentType }));
    // A failed read is not kept: the next request tries again.
    loaded.catch(() => cache.delete(path));
    cache.set(path, loaded);
  }
  return loaded;
}
