/**
 * `loadout schema list`: the catalog with keys, columns and fingerprints; `loadout schema drift`:
 * attributes and event types the source carries that the catalog does not declare.
 */
import type { Command } from 'commander';
import { loadCatalog, type Catalog } from '../../schemas/catalog';
import { loadConfig } from '../../config/load-config';
import type { DriftReport } from '../../core/drift-registry';
import { openObjectStore } from '../../stores/object/open-object-store';
import { withConfigFlags, overridesFrom } from '../config-flags';
import { readDriftReport } from '../drift';
import { formatTable, printJson, printText } from '../output';
import { initCatalog } from '../schema-init';
import { oneLine } from '../terminal-text';

export function describeCatalog(catalog: Catalog) {
  return catalog.eventTypes.map((t) => ({
    event: t.tag,
    table: t.table,
    uniqueKey: t.uniqueKey,
    fingerprint: t.fingerprint,
    columns: t.columns.map((c) => ({
      name: c.name,
      type: c.type,
      nullable: c.nullable,
      ...(c.personal ? { personal: c.personal } : {}),
    })),
  }));
}

export function registerSchema(program: Command): void {
  const schema = program.command('schema').description('the event catalog (schemas/)');
  schema
    .command('list')
    .description('every event type with its table, unique key, output columns and fingerprint')
    .option('--json', 'print one JSON document')
    .option('--schemas <dir>', 'the event catalog directory (LOADOUT_SCHEMAS, default: the shipped schemas/events)')
    .action(async (options: { json?: boolean; schemas?: string }) => {
      const described = describeCatalog(await loadCatalog(loadConfig({ schemas: options.schemas }).schemas));
      if (options.json) return printJson(described);
      printText(
        formatTable([
          ['event / table', 'unique key', 'fingerprint', 'columns', 'personal data'],
          ...described.map((d) => [
            d.table,
            d.uniqueKey.join(', '),
            d.fingerprint,
            d.columns.map((c) => `${c.name} ${c.type}${c.nullable ? '?' : ''}`).join(', '),
            d.columns.flatMap((c) => (c.personal ? [`${c.name}: ${c.personal}`] : [])).join(', '),
          ]),
        ]),
      );
    });

  schema
    .command('init <dir>')
    .description("write a catalog package (the shipped event files, importing 'loadout/schemas') for LOADOUT_SCHEMAS")
    .option('--json', 'print one JSON document')
    .action(async (dir: string, options: { json?: boolean }) => {
      const result = await initCatalog(dir);
      if (options.json) return printJson(result);
      printText(
        [
          `wrote ${result.files.length} files to ${oneLine(result.dir)}`,
          `edit or add one file per event type, then: LOADOUT_SCHEMAS=${oneLine(result.dir)} npx loadout schema list`,
        ].join('\n'),
      );
    });

  withConfigFlags(
    schema
      .command('drift')
      .description(
        'new attributes and unknown event types seen in the source, with counts, first/last seen and an example',
      ),
  )
    .option('--json', 'print one JSON document (with every attribute variation)')
    .action(async (options: Record<string, unknown>) => {
      const config = loadConfig(overridesFrom(options));
      const report = await readDriftReport(openObjectStore(config.lake), await loadCatalog(config.schemas));
      if (options.json) return printJson(report);
      printText(formatDrift(report));
    });
}

function formatDrift(report: DriftReport): string {
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
    out.push(
      '',
      'To recover them: declare them in the schemas directory, then',
      '  loadout migrate --apply',
      `  loadout replay --from ${from} --to ${to} --tables <their tables>`,
    );
  }
  return `${out.join('\n')}\n`;
}
