/**
 * Builds the workflow bundle a production worker loads (`loadout worker --workflow-bundle PATH`,
 * LOADOUT_WORKFLOW_BUNDLE), as Temporal recommends: bundling at start takes seconds and prints
 * webpack's output, and every worker of a deployment should run the same workflow code.
 *
 *   npx tsx scripts/build-workflow-bundle.ts [--out dist/workflow-bundle.js]
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { values } = parseArgs({ options: { out: { type: 'string', default: 'dist/workflow-bundle.js' } } });
const out = resolve(values.out);
const quiet = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
};
const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows/index.ts'), logger: quiet });
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, code);
console.log(`wrote ${out} (${Math.round(code.length / 1024)} KB)`);
