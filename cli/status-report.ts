/** `loadout status` as text: the overview, then each failure that needs a person, with what to do. */
import { oneLine, formatTable } from './output';
import type { PipelineStatus } from './status';

const age = (s?: number) =>
  s === undefined ? 'never' : s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`;

export function formatStatus(status: PipelineStatus): string[] {
  const out = [
    `environment ${status.environment}: ${status.batches.running} batches running, ${status.batches.failed.length} failed, ${status.quarantined.length} ${status.quarantined.length === 1 ? 'object' : 'objects'} quarantined; ${status.rejected} records rejected in all`,
    '',
    formatTable([
      ['table', 'last load', 'age', 'staged files waiting', 'MB', 'schema'],
      ...status.tables.map((t) => [
        t.table,
        t.lastLoadedAt ?? '',
        age(t.lastLoadAgeSeconds),
        t.stagedFiles,
        Math.round(t.stagedBytes / 1e4) / 100,
        t.migration.refused.length > 0 ? 'BLOCKED' : t.migration.pending.length > 0 ? 'to migrate' : 'ok',
      ]),
    ]),
  ];
  for (const t of status.tables.filter((x) => x.migration.refused.length > 0)) {
    out.push(
      '',
      `BLOCKED ${t.table}: ${t.stagedFiles} staged files wait for a refused schema change (loadout migrate shows the plan)`,
    );
    for (const line of t.migration.refused) out.push(`  ${oneLine(line)}`);
  }
  if (Object.keys(status.unknown).length > 0)
    out.push(
      '',
      formatTable([
        ['unknown event', 'records'],
        ...Object.entries(status.unknown)
          .sort()
          .map(([t, n]) => [t, n]),
      ]),
    );
  const ui = (url?: string) => `  temporal ui: ${url ?? 'no address known (set --temporal-ui or LOADOUT_TEMPORAL_UI)'}`;
  for (const f of status.batches.failed) {
    out.push(
      '',
      `FAILED batch ${oneLine(f.workflowId)}${f.closedAt ? ` at ${f.closedAt}` : ''}`,
      ...reasonLines(f.reason),
      ...objectLines(f.objects, f.source),
      ui(f.temporalUi),
    );
  }
  for (const q of status.quarantined) {
    out.push(
      '',
      `QUARANTINED ${oneLine(q.key)} (${q.kind}) at ${q.at}`,
      ...reasonLines(q.reason),
      `  in: ${oneLine(q.source)}, etag ${oneLine(q.etag)}, ${q.size} bytes`,
    );
    out.push(q.workflowId ? `  batch: ${oneLine(q.workflowId)}` : `  batch: ${oneLine(q.batchId)}`, ui(q.temporalUi));
  }
  if (status.outstanding > 0) {
    out.push(
      '',
      `${status.outstanding} failure(s) need a person: replace the object and run it again (loadout run), or acknowledge it (loadout status ack <workflow-id|object-key>... or --all)`,
    );
  }
  return out;
}

/** One line, as a quarantine record's reason is: a newline in it is the object key's, shown escaped. */
function reasonLines(reason: string): string[] {
  return [`  reason: ${oneLine(reason)}`];
}

function objectLines(objects: readonly string[], source?: string): string[] {
  const shown = objects.slice(0, 10).map((k) => `    ${oneLine(k)}`);
  if (objects.length > 10) shown.push(`    ... ${objects.length - 10} more (the workflow's input lists them all)`);
  return [`  objects${source ? ` in ${oneLine(source)}` : ''}:`, ...shown];
}
