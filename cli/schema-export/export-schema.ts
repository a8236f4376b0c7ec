/**
 * `loadout schema export <event>`: an inferred table, or a declared type with its evolved columns,
 * written as a catalog file a studio commits; in the catalog folder (LOADOUT_SCHEMAS) the type is
 * declared from then on and the file takes precedence over inference (docs/schemas.md, "Exporting a schema").
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LoadoutConfig } from '../../config/config-schema';
import { loadCatalog, SHIPPED_EVENTS_DIR } from '../../schemas/catalog';
import type { EventType } from '../../schemas/define-event';
import { openObjectStore } from '../../stores/object/open-object-store';
import { inferredTypesOf, inferredVersionsOf } from '../../activities/inferred-catalog';
import { tableSchemaOf } from '../../activities/table-schema';
import { asCatalogPackageSource } from '../schema-init';
import { declaredFileSource } from './declared-file-source';
import { inferredFileSource } from './inferred-file-source';

export interface ExportOptions {
  /** A directory (the file is named after the table) or a `.ts` file; default: the catalog folder, else the working directory. */
  out?: string;
  force?: boolean;
}

export interface ExportResult {
  event: string;
  table: string;
  /** `inferred`: a new file for an inferred table; `declared`: the type's file with its evolved columns added. */
  from: 'inferred' | 'declared';
  /** The inferred schema version exported (inferred only; 0 when staged but never loaded). */
  version?: number;
  path: string;
  /** The columns the file adds to what was declared (for an inferred table: all but `_loadout_key`). */
  columns: string[];
}

export async function exportSchema(
  config: LoadoutConfig,
  event: string,
  options: ExportOptions,
): Promise<ExportResult> {
  const catalog = await loadCatalog(config.schemas, { evolution: config.evolution });
  const lake = openObjectStore(config.lake);
  const declared = catalog.eventType(event) ?? catalog.table(event);
  const defaultDir = config.schemas === SHIPPED_EVENTS_DIR ? process.cwd() : config.schemas;
  if (declared !== undefined) {
    const { declaration, evolved } = await tableSchemaOf(lake, declared);
    const added = declaration.columns.filter((c) => evolved.has(c.name));
    if (added.length === 0)
      throw new Error(`${declared.tag} has no evolved columns: its catalog file already declares every column`);
    const file = await sourceFileOf(config.schemas, declared);
    const source = declaredFileSource(asCatalogPackageSource(await readFile(file, 'utf8')), declared, added);
    const path = targetPath(options.out, defaultDir, file.slice(dirname(file).length + 1));
    await write(path, source, options.force === true);
    return { event: declared.tag, table: declared.table, from: 'declared', path, columns: added.map((c) => c.name) };
  }
  const inferred = (await inferredTypesOf(catalog, lake)).find((t) => t.tag === event || t.table === event);
  if (inferred === undefined)
    throw new Error(
      `no event type or inferred table ${JSON.stringify(event)}: \`loadout schema list\` shows them (an inferred table exists once a batch under evolution=infer staged it)`,
    );
  const columns = (await tableSchemaOf(lake, inferred)).declaration.columns;
  const version = (await inferredVersionsOf(lake, inferred.table)).at(-1)?.version ?? 0;
  const source = inferredFileSource({ event: inferred.tag, table: inferred.table, version, columns });
  const path = targetPath(options.out, defaultDir, `${inferred.table.replace(/_/g, '-')}.ts`);
  await write(path, source, options.force === true);
  return {
    event: inferred.tag,
    table: inferred.table,
    from: 'inferred',
    version,
    path,
    columns: columns.slice(1).map((c) => c.name),
  };
}

/** The catalog file whose default export is `type` (loadCatalog imported them all: the same modules). */
async function sourceFileOf(dir: string, type: EventType): Promise<string> {
  for (const f of (await readdir(dir)).filter((f) => /\.(ts|mts)$/.test(f) && !f.endsWith('.d.ts')).sort()) {
    const module = (await import(pathToFileURL(join(dir, f)).href)) as { default?: EventType };
    if (module.default?.tag === type.tag) return join(dir, f);
  }
  throw new Error(`no TypeScript file in ${dir} declares ${type.tag}: only a .ts catalog file can be exported`);
}

function targetPath(out: string | undefined, defaultDir: string, file: string): string {
  if (out === undefined) return join(defaultDir, file);
  return /\.m?ts$/.test(out) ? resolve(out) : join(resolve(out), file);
}

async function write(path: string, source: string, force: boolean): Promise<void> {
  if (!force && existsSync(path)) throw new Error(`${path} exists: pass --force to overwrite it`);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, source);
}
