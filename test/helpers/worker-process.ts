/** A worker in its own process, so a test can SIGKILL it mid-activity like a crashed machine. */
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { loadCatalog } from '../../schemas/catalog';
import { openObjectStore } from '../../stores/object/open-object-store';
import { TEST_PERSONAL_KEYS } from './personal-keys';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`worker-process needs ${name}`);
  return value;
};

const connection = await NativeConnection.connect({ address: env('TEST_TEMPORAL_ADDRESS') });
const worker = await Worker.create({
  connection,
  namespace: env('TEST_TEMPORAL_NAMESPACE'),
  taskQueue: env('TEST_TASK_QUEUE'),
  workflowBundle: { codePath: env('TEST_WORKFLOW_BUNDLE') },
  activities: createActivities({
    catalog: await loadCatalog(),
    lake: openObjectStore(env('TEST_LAKE')),
    warehouseUrl: process.env.TEST_WAREHOUSE,
    warehouseSchema: 'loadout',
    // The same keys as the test's own workers: pseudonyms must not depend on the process.
    personalKeys: TEST_PERSONAL_KEYS,
  }),
});
process.stdout.write('worker ready\n');
await worker.run();
