/** The catalog: every event type under schemas/events/, one file each, found by listing the folder. */
import { readdir } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EventType } from './define-event';
import { catalogModuleProblem, registerCatalogImports } from './catalog-imports';
import type { EvolutionMode } from './evolution-mode';
import { assertNotReservedTable } from './lineage-columns';
import { recordCatalogSource } from './catalog-source';

export const SHIPPED_EVENTS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'events');

export class Catalog {
  private readonly byTag: ReadonlyMap<string, EventType>;
  private readonly byTable: ReadonlyMap<string, EventType>;

  /** `evolution`: the setting (config/), which an event type's own `evolution` overrides. */
  constructor(
    readonly eventTypes: readonly EventType[],
    readonly evolution: EvolutionMode = 'strict',
  ) {
    const byTag = new Map<string, EventType>();
    const byTable = new Map<string, EventType>();
    for (const type of eventTypes) {
      if (byTag.has(type.tag)) throw new Error(`event tag ${type.tag} is declared twice`);
      if (byTable.has(type.table)) throw new Error(`table ${type.table} is declared by two event types`);
      byTag.set(type.tag, type);
      byTable.set(type.table, type);
    }
    this.byTag = byTag;
    this.byTable = byTable;
  }

  eventType(tag: string): EventType | undefined {
    return this.byTag.get(tag);
  }

  table(name: string): EventType | undefined {
    return this.byTable.get(name);
  }

  /** A declared type's mode: its own, else the setting; `infer` acts on a declared type as `evolve`. */
  evolutionOf(type: EventType): 'strict' | 'evolve' {
    const mode = type.evolution ?? this.evolution;
    return mode === 'strict' ? 'strict' : 'evolve';
  }

  /** Under `infer`, unknown event types get tables of their own. */
  get infersUnknownTypes(): boolean {
    return this.evolution === 'infer';
  }

  get tables(): string[] {
    return [...this.byTable.keys()];
  }
}

/** Imports every `*.ts`/`*.js` file of `dir`; each must `export default defineEvent(...)`. */
export async function loadCatalog(
  dir: string = SHIPPED_EVENTS_DIR,
  options: { evolution?: EvolutionMode } = {},
): Promise<Catalog> {
  const files = (await readdir(dir)).filter((f) => /\.(ts|mts|js|mjs)$/.test(f) && !f.endsWith('.d.ts')).sort();
  if (dir !== SHIPPED_EVENTS_DIR) {
    const problem = catalogModuleProblem(dir, files);
    if (problem !== undefined) throw new Error(`event catalog ${dir}: ${problem}`);
    registerCatalogImports();
  }
  const types: EventType[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(dir, file)).href)) as { default?: EventType };
    if (module.default === undefined || typeof module.default.tag !== 'string') {
      throw new Error(`${join(dir, file)} must export default defineEvent({...})`);
    }
    // Loadout's own tables (loadout_rejects, ...) live beside the catalog's in the warehouse schema.
    try {
      assertNotReservedTable(module.default.table, module.default.tag);
    } catch (error) {
      throw new Error(`${join(dir, file)}: ${(error as Error).message}`);
    }
    types.push(module.default);
  }
  // Catalog order is file order; keep it stable across machines.
  const catalog = new Catalog(types, options.evolution);
  return recordCatalogSource(catalog, { dir, evolution: catalog.evolution });
}
