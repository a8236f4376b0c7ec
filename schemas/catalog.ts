/** The catalog: every event type under schemas/events/, one file each, found by listing the folder. */
import { readdir } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EventType } from './define-event';
import { assertNotReservedTable } from './lineage-columns';

export const SHIPPED_EVENTS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'events');

export class Catalog {
  private readonly byTag: ReadonlyMap<string, EventType>;
  private readonly byTable: ReadonlyMap<string, EventType>;

  constructor(readonly eventTypes: readonly EventType[]) {
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

  get tables(): string[] {
    return [...this.byTable.keys()];
  }
}

/** Imports every `*.ts`/`*.js` file of `dir`; each must `export default defineEvent(...)`. */
export async function loadCatalog(dir: string = SHIPPED_EVENTS_DIR): Promise<Catalog> {
  const files = (await readdir(dir)).filter((f) => /\.(ts|mts|js|mjs)$/.test(f) && !f.endsWith('.d.ts')).sort();
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
  return new Catalog(types);
}
