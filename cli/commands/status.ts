/** `loadout status`: batches running and failed, last load per table and its age, what waits. */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config';
import { openObjectStore } from '../../stores/object/open-object-store';
import { openWarehouse } from '../../stores/warehouse/open-warehouse';
import { withConfigFlags, overridesFrom } from '../config-flags';
import { formatTable, printJson } from '../output';
import { openRuntime } from '../runtime';
import { collectStatus } from '../status';

export function registerStatus(program: Command): void {
  withConfigFlags(program.command('status').description('batches running and failed, last load per table and its age, staged files waiting, rejected and unknown counts'))
    .option('--json', 'print one JSON document')
    .action(async (options: Record<string, unknown>) => {
      const config = loadConfig(overridesFrom(options));
      const runtime = await openRuntime(config);
      const warehouse = await openWarehouse(config.warehouse);
      try {
        const status = await collectStatus(config, runtime.catalog, runtime.client, openObjectStore(config.lake), warehouse);
        if (options.json) return printJson(status);
        const age = (s?: number) => (s === undefined ? 'never' : s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`);
        const out = [
          `environment ${status.environment}: ${status.batches.running} batches running, ${status.batches.failed.length} failed; ${status.rejected} records rejected in all`,
          '',
          formatTable([
            ['table', 'last load', 'age', 'staged files waiting', 'MB', 'schema'],
            ...status.tables.map((t) => [
              t.table, t.lastLoadedAt ?? '', age(t.lastLoadAgeSeconds), t.stagedFiles, Math.round(t.stagedBytes / 1e4) / 100,
              t.migration.refused.length > 0 ? 'BLOCKED' : t.migration.pending.length > 0 ? 'to migrate' : 'ok',
            ]),
          ]),
        ];
        for (const t of status.tables.filter((x) => x.migration.refused.length > 0)) {
          out.push('', `BLOCKED ${t.table}: ${t.stagedFiles} staged files wait for a refused schema change (loadout migrate shows the plan)`);
          for (const line of t.migration.refused) out.push(`  ${line}`);
        }
        if (Object.keys(status.unknown).length > 0) out.push('', `unknown event types: ${Object.entries(status.unknown).map(([t, n]) => `${t} ${n}`).join(', ')}`);
        for (const f of status.batches.failed) out.push(`FAILED ${f.workflowId} ${f.objects.slice(0, 3).join(' ')}${f.objects.length > 3 ? ' ...' : ''}`);
        process.stdout.write(`${out.join('\n')}\n`);
      } finally {
        await warehouse.close();
        await runtime.close();
      }
    });
}
