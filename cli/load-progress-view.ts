/** Per-table lines while a load runs, from the load workflow's progress query (workflows/load-progress.ts). */
import type { WorkflowHandle } from '@temporalio/client';
import { loadProgressQuery, type LoadProgress } from '../workflows/load-progress';
import type { StatusLine } from './status-line';

/** Polls the load's progress and reports each table once it finishes; the returned function stops it. */
export function watchLoadProgress(handle: WorkflowHandle, line: StatusLine, everyMs = 500): () => void {
  const reported = new Set<string>();
  let listed = false;
  const show = (p: LoadProgress) => {
    if (!line.enabled) return;
    if (!listed && p.tables.length > 0) {
      listed = true;
      line.say(`loading ${p.tables.length} ${p.tables.length === 1 ? 'table' : 'tables'}`);
    }
    for (const t of p.loaded) {
      if (reported.has(t.table)) continue;
      reported.add(t.table);
      line.say(
        `  ${t.table}: ${t.mergedRows} rows added or changed (${t.manifests} ${t.manifests === 1 ? 'manifest' : 'manifests'})`,
      );
    }
    for (const table of p.failed) {
      if (reported.has(table)) continue;
      reported.add(table);
      line.say(`  ${table}: failed (reason below)`);
    }
    const done = p.loaded.length + p.failed.length;
    const running = p.running.length > 0 ? `; merging ${p.running.join(', ')}` : '';
    if (p.tables.length > 0) line.draw(`${done}/${p.tables.length} tables loaded${running}`);
  };
  const timer = setInterval(() => {
    handle.query(loadProgressQuery).then(show, () => {});
  }, everyMs);
  return () => {
    clearInterval(timer);
    line.close();
  };
}
