// A batch thread's first module: plain JavaScript that registers tsx, as bin/loadout.js does, then
// loads the thread's TypeScript entry (batch-thread.ts), whatever ran the worker's own process.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
