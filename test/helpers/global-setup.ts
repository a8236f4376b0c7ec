/** Starts the real Temporal dev server (the `temporal` CLI) once, and bundles the workflows once (cached in node_modules/.cache). */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { temporalBinary } from '../../workers/temporal-binary';
import { PROJECT_ROOT } from '../../workers/project-root';
import { cachedWorkflowBundle } from '../../workers/workflow-bundle-cache';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    workflowBundlePath: string;
  }
}

export default async function setup(project: TestProject) {
  // No skipping: a missing binary is a failure here, with the reason.
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalBinary() },
      searchAttributes: SEARCH_ATTRIBUTES,
      ip: '127.0.0.1',
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'loadout-test-'));
  // Bundled once per change of the workflows, not per run; copied so no other checkout's pruning removes it mid-run.
  const cached = await cachedWorkflowBundle({
    dir: join(PROJECT_ROOT, 'node_modules', '.cache', 'loadout', 'workflow-bundle'),
  });
  const bundlePath = join(dir, 'workflow-bundle.js');
  copyFileSync(cached.path, bundlePath);
  project.provide('temporalAddress', env.address);
  project.provide('temporalNamespace', env.namespace ?? 'default');
  project.provide('workflowBundlePath', bundlePath);
  return async () => {
    await env.teardown();
    rmSync(dir, { recursive: true, force: true });
  };
}
