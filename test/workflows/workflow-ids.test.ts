/** Workflow ids keep their forms: running histories and operators' searches depend on them. */
import { expect, test } from 'vitest';
import { replayWorkflowId } from '../../core/batch-id';
import {
  discoveryWorkflowId,
  erasureWorkflowId,
  fileBatchWorkflowId,
  loadRunWorkflowId,
  loadTableWorkflowId,
  migrateCommandWorkflowId,
  replayBatchWorkflowId,
  replayLoadWorkflowId,
  replayWorkflowIdOf,
  scheduledLoadWorkflowId,
  tableMigrationWorkflowId,
} from '../../workflows/workflow-ids';

test.each([
  [fileBatchWorkflowId('0123abcd'), 'loadout-filebatch-0123abcd'],
  [fileBatchWorkflowId('0123abcd', 'prod'), 'loadout-filebatch-prod-0123abcd'],
  [replayBatchWorkflowId('0123abcd', 'prod'), 'loadout-replaybatch-prod-0123abcd'],
  [replayWorkflowIdOf('prod', 'feed'), 'loadout-replay-prod-feed'],
  [replayLoadWorkflowId('loadout-replay-prod-feed'), 'loadout-replay-prod-feed-load'],
  [loadTableWorkflowId('prod', 'purchase'), 'loadout-load-prod-purchase'],
  [loadRunWorkflowId('prod', 'feed'), 'loadout-load-prod-feed'],
  [scheduledLoadWorkflowId('prod'), 'loadout-load-prod-scheduled'],
  [tableMigrationWorkflowId('prod', 'purchase'), 'loadout-migrate-prod-purchase'],
  [migrateCommandWorkflowId('prod', true, 'feed'), 'loadout-migrate-prod-apply-feed'],
  [migrateCommandWorkflowId('prod', false, 'feed'), 'loadout-migrate-prod-plan-feed'],
  [discoveryWorkflowId('prod'), 'loadout-discover-prod'],
  [erasureWorkflowId('prod', 'feed'), 'loadout-erase-prod-feed'],
])('%s', (id, expected) => {
  expect(id).toBe(expected);
});

test('a replay id hashes its request outside the workflows, in the form of workflow-ids.ts', () => {
  const id = replayWorkflowId('prod', 's3://raw/x', '2026-11-22T00:00:00Z', '2026-11-23T00:00:00Z', ['b', 'a']);
  expect(id).toMatch(/^loadout-replay-prod-[0-9a-f]{24}$/);
  expect(replayWorkflowId('prod', 's3://raw/x', '2026-11-22T00:00:00.000Z', '2026-11-23T00:00:00Z', ['a', 'b'])).toBe(
    id,
  );
});
