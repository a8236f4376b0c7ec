/**
 * `loadout schema init DIR`: a catalog package that `LOADOUT_SCHEMAS=DIR` loads as it is: the
 * shipped event files importing `loadout/schemas`, a package.json that makes them ES modules, and a
 * tsconfig.json that lets an editor type-check them against this checkout.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHIPPED_EVENTS_DIR } from '../schemas/catalog';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface InitResult {
  dir: string;
  files: string[];
}

/** The shipped file's source with its imports pointed at the public API, so it works anywhere. */
export function asCatalogPackageSource(source: string): string {
  return source.replace(/from '\.\.\/(define-event|fields|personal)'/g, "from 'loadout/schemas'");
}

export async function initCatalog(target: string): Promise<InitResult> {
  const dir = resolve(target);
  const existing = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw e;
  });
  if (existing.length > 0) throw new Error(`${dir} is not empty: schema init writes a new catalog package`);
  await mkdir(dir, { recursive: true });
  const written: Record<string, string> = {
    'package.json': json({
      name: packageName(dir),
      private: true,
      type: 'module',
      description: 'Event catalog for Loadout: point LOADOUT_SCHEMAS at this folder.',
    }),
    'tsconfig.json': json({
      compilerOptions: {
        target: 'ES2022',
        module: 'ESNext',
        moduleResolution: 'Bundler',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [relative(dir, join(ROOT, 'node_modules', '@types'))],
        // For editors only: Loadout itself resolves these imports to its own copy when it loads the catalog.
        paths: {
          'loadout/schemas': [relative(dir, join(ROOT, 'schemas', 'index.ts'))],
          zod: [relative(dir, join(ROOT, 'node_modules', 'zod'))],
        },
      },
      include: ['*.ts'],
    }),
  };
  for (const file of (await readdir(SHIPPED_EVENTS_DIR)).filter((f) => f.endsWith('.ts')).sort()) {
    written[file] = asCatalogPackageSource(await readFile(join(SHIPPED_EVENTS_DIR, file), 'utf8'));
  }
  for (const [file, text] of Object.entries(written)) await writeFile(join(dir, file), text);
  return { dir, files: Object.keys(written).sort() };
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** A valid npm package name from the folder's name. */
function packageName(dir: string): string {
  const name = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '');
  return name === '' ? 'loadout-catalog' : name;
}
