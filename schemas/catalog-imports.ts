/** Lets catalog files anywhere import `loadout/schemas` and `zod` (schemas/catalog-import-hooks.mjs). */
import { existsSync, readFileSync } from 'node:fs';
import { register } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

let registered = false;

export function registerCatalogImports(): void {
  if (registered) return;
  registered = true;
  const root = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '..') + '/').href;
  register(new URL('./catalog-import-hooks.mjs', import.meta.url), {
    data: { api: new URL('./index.ts', import.meta.url).href, root },
  });
}

/**
 * TypeScript files are ES modules only under a package.json saying so: without one, Node takes
 * them as CommonJS and the import fails with "Cannot require() ES Module ... in a cycle".
 */
export function catalogModuleProblem(dir: string, files: readonly string[]): string | undefined {
  if (!files.some((f) => f.endsWith('.ts'))) return undefined;
  for (let at = dir; ; at = dirname(at)) {
    const manifest = join(at, 'package.json');
    if (existsSync(manifest)) {
      const type = (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown }).type;
      return type === 'module'
        ? undefined
        : `${manifest} does not say "type": "module", so the catalog's .ts files cannot be imported as ES modules`;
    }
    if (dirname(at) === at) {
      return `no package.json with "type": "module" above ${dir}, so its .ts files cannot be imported as ES modules (\`loadout schema init DIR\` writes a catalog package that has one)`;
    }
  }
}
