/**
 * Builds the workflow bundle a production worker loads (`loadout worker --workflow-bundle PATH`,
 * LOADOUT_WORKFLOW_BUNDLE), as Temporal recommends: bundling at start takes seconds and prints
 * webpack's output, and every worker of a deployment should run the same workflow code.
 *
 *   npx tsx scripts/build-workflow-bundle.ts [--out dist/workflow-bundle.js]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildWorkflowBundle } from '../workers/workflow-bundle';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'dist/workflow-bundle.js' } } });
const out = resolve(values.out);
const code = await buildWorkflowBundle();
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, code);
console.log(`wrote ${out} (${Math.round(code.length / 1024)} KB)`);
