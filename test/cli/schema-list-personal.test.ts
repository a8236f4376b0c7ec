/** loadout schema list shows each personal-data column with its treatment. */
import { expect, test } from 'vitest';
import { describeCatalog } from '../../cli/actions/schema';
import { loadCatalog } from '../../schemas/catalog';

test('schema list names the treatment of every personal column, and only of those', async () => {
  const described = describeCatalog(await loadCatalog());
  const sessionBegin = described.find((d) => d.table === 'session_begin')!;
  expect(sessionBegin.columns.filter((c) => 'personal' in c)).toEqual([
    { name: 'player_id', type: 'string', nullable: false, personal: 'pseudonymise' },
    { name: 'ip', type: 'string', nullable: true, personal: 'network' },
    { name: 'device_id', type: 'string', nullable: true, personal: 'pseudonymise' },
  ]);
  expect(described.find((d) => d.table === 'match_end')!.columns.some((c) => 'personal' in c)).toBe(false);
});
