/** What `loadout schema` does (its flags and help: cli/commands/schema.ts), loaded only when it runs. */
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import { loadConfig } from '../../config/load-config';
import type { DriftReport } from '../../core/drift-registry';
import { openObjectStore } from '../../stores/object/open-object-store';
import { overridesFrom } from '../config-flags';
import { readDriftReport } from '../drift';
import { formatTable, printJson, printText } from '../output';
import { initCatalog } from '../schema-init';
import { oneLine } from '../terminal-text';
import { readEvolvedSchemas, type EvolvedSchemas } from '../evolved-schemas';
import { exportSchema } from '../schema-export/export-schema';

/** The catalog, then what evolution recorded: evolved columns (`evolved: true`) and inferred tables (`inferred: true`). */
export function describeCatalog(catalog: Catalog, evolved?: EvolvedSchemas) {
  const declared = catalog.eventTypes.map((t) => ({
    event: t.tag,
    table: t.table,
    uniqueKey: t.uniqueKey,
    fingerprint: t.fingerprint,
    evolution: catalog.evolutionOf(t),
    columns: [
      ...t.columns.map((c) => ({
        name: c.name,
        type: c.type,
        nullable: c.nullable,
        ...(c.personal ? { personal: c.personal } : {}),
      })),
      ...(evolved?.evolvedColumns ?? [])
        .filter((c) => c.table === t.table)
        .map(({ table: _table, ...c }) => ({ ...c, evolved: true })),
    ],
  }));
  const inferred = (evolved?.inferredTables ?? []).map((t) => ({
    event: t.event,
    table: t.table,
    uniqueKey: t.uniqueKey,
    inferred: true,
    version: t.version,
    columns: t.columns.map((c) => ({ ...c, evolved: true })),
  }));
  return [...declared, ...inferred];
}

function formatDrift(report: DriftReport, evolution: EvolvedSchemas['evolution']): string {
  const out: string[] = [
    `${report.variations.length} attribute variations in ${report.batches} ${report.batches === 1 ? 'batch' : 'batches'}`,
  ];
  const day = (iso: string) => iso.slice(0, 16).replace('T', ' ');
  if (report.newAttributes.length > 0) {
    out.push(
      '',
      formatTable([
        ['event', 'new attribute', 'records', 'first seen', 'last seen', 'example from'],
        ...report.newAttributes.map(
          (a) =>
            [a.event, a.attribute, a.records, day(a.firstSeen), day(a.lastSeen), `${a.source}:${a.line}`] as (
              string | number
            )[],
        ),
      ]),
    );
  }
  if (report.unknownEvents.length > 0) {
    out.push(
      '',
      formatTable([
        ['unknown event', 'records', 'first seen', 'last seen', 'attributes'],
        ...report.unknownEvents.map(
          (u) =>
            [u.event, u.records, day(u.firstSeen), day(u.lastSeen), u.attributes.join(', ')] as (string | number)[],
        ),
      ]),
    );
  }
  if (report.newAttributes.length === 0 && report.unknownEvents.length === 0)
    out.push('no drift: the catalog declares everything the source carries');
  else {
    const from = [...report.newAttributes, ...report.unknownEvents].map((d) => d.firstSeen).sort()[0]!;
    // The replay window ends before `to`: one second past the last object seen.
    const to = new Date(
      Date.parse(
        [...report.newAttributes, ...report.unknownEvents]
          .map((d) => d.lastSeen)
          .sort()
          .at(-1)!,
      ) + 1000,
    ).toISOString();
    if (evolution !== 'strict')
      out.push(
        '',
        `Under evolution=${evolution}, ${evolution === 'infer' ? 'both load' : 'new attributes load'} from the batches that carry them (docs/schemas.md); attributes of records seen before the switch need a replay.`,
      );
    out.push(
      '',
      'To recover them: declare them in the schemas directory, then',
      '  loadout migrate --apply',
      `  loadout replay --from ${from} --to ${to} --tables <their tables>`,
    );
  }
  return `${out.join('\n')}\n`;
}

/** The evolution mode, and what it did: evolved columns and inferred tables, each with its schema version. */
function formatEvolved(evolved: EvolvedSchemas): string {
  const out = ['', `evolution: ${evolved.evolution}`];
  if (evolved.evolvedColumns.length > 0)
    out.push(
      formatTable([
        ['table', 'evolved column', 'type', 'attribute'],
        ...evolved.evolvedColumns.map((c) => [c.table, c.name, c.type, c.attribute ?? '']),
      ]),
    );
  if (evolved.inferredTables.length > 0)
    out.push(
      formatTable([
        ['unknown event', 'inferred table', 'version', 'columns'],
        ...evolved.inferredTables.map((t) => [
          t.event,
          t.table,
          t.version,
          t.columns.map((c) => `${c.name} ${c.type}`).join(', '),
        ]),
      ]),
    );
  return `${out.join('\n')}\n`;
}

export async function listCommand(options: { json?: boolean; schemas?: string }): Promise<void> {
  const config = loadConfig({ schemas: options.schemas });
  const catalog = await loadCatalog(config.schemas, { evolution: config.evolution });
  const described = describeCatalog(catalog, await readEvolvedSchemas(openObjectStore(config.lake), catalog));
  if (options.json) return printJson(described);
  printText(
    formatTable([
      ['event / table', 'unique key', 'fingerprint', 'columns (+ evolved)', 'personal data'],
      ...described.map((d) => [
        d.table,
        d.uniqueKey.join(', '),
        'fingerprint' in d ? d.fingerprint : `inferred v${d.version}`,
        d.columns.map((c) => `${'evolved' in c ? '+' : ''}${c.name} ${c.type}${c.nullable ? '?' : ''}`).join(', '),
        d.columns.flatMap((c) => ('personal' in c && c.personal ? [`${c.name}: ${c.personal}`] : [])).join(', '),
      ]),
    ]),
  );
}

export async function initCommand(dir: string, options: { json?: boolean }): Promise<void> {
  const result = await initCatalog(dir);
  if (options.json) return printJson(result);
  printText(
    [
      `wrote ${result.files.length} files to ${oneLine(result.dir)}`,
      `edit or add one file per event type, then: LOADOUT_SCHEMAS=${oneLine(result.dir)} npx loadout schema list`,
    ].join('\n'),
  );
}

export async function driftCommand(options: Record<string, unknown>): Promise<void> {
  const config = loadConfig(overridesFrom(options));
  const lake = openObjectStore(config.lake);
  const catalog = await loadCatalog(config.schemas, { evolution: config.evolution });
  const report = await readDriftReport(lake, catalog);
  const evolved = await readEvolvedSchemas(lake, catalog);
  if (options.json) return printJson({ ...report, ...evolved });
  printText(formatDrift(report, evolved.evolution) + formatEvolved(evolved));
}

export async function exportCommand(event: string, options: Record<string, unknown>): Promise<void> {
  const config = loadConfig(overridesFrom(options));
  const out = typeof options.out === 'string' ? options.out : undefined;
  const result = await exportSchema(config, event, { out, force: options.force === true });
  if (options.json) return printJson(result);
  const what = result.from === 'inferred' ? `inferred table ${result.table} v${result.version}` : result.table;
  printText([
    `wrote ${oneLine(result.path)}: ${oneLine(result.event)} (${what}), ${result.columns.length} ${result.from === 'inferred' ? 'columns' : 'evolved columns added'}`,
    `in the catalog folder (LOADOUT_SCHEMAS) the type is declared from the next batch on: check with loadout migrate`,
  ]);
}
