/** The tables a load failed to load, as lines for `loadout run` and `loadout load`. */
import { oneLine } from './output';
import type { FailedTableLoad } from '../workflows/load-types';

/** A reason may span lines (a refused migration's plan): each continuation indented under it. */
export function failedTableLines(failed: readonly FailedTableLoad[]): string[] {
  return failed.flatMap((f) => {
    const [first, ...rest] = f.reason.split('\n');
    return [
      '',
      `FAILED table ${oneLine(f.table)}: ${oneLine(first ?? '')}`,
      ...rest.map((line) => `  ${oneLine(line)}`),
    ];
  });
}
