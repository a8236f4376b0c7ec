/** Starts the real Temporal dev server (the `temporal` CLI) once and bundles the workflows once. */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { temporalBinary } from '../../workers/temporal-binary';
import { buildWorkflowBundle } from '../../workers/workflow-bundle';

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
  const bundleCode = await buildWorkflowBundle();
  const bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundleCode);
  project.provide('temporalAddress', env.address);
  project.provide('temporalNamespace', env.namespace ?? 'default');
  project.provide('workflowBundlePath', bundlePath);
  return async () => {
    await env.teardown();
    rmSync(dir, { recursive: true, force: true });
  };
}
