/** Starts the real Temporal dev server (the `temporal` CLI) once and bundles the workflows once. */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { TestProject } from 'vitest/node';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { temporalBinary } from '../../workers/temporal-binary';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    workflowBundlePath: string;
  }
}

const require = createRequire(import.meta.url);

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
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows/index.ts'),
    logger: quietLogger,
  });
  const bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);
  project.provide('temporalAddress', env.address);
  project.provide('temporalNamespace', env.namespace ?? 'default');
  project.provide('workflowBundlePath', bundlePath);
  return async () => {
    await env.teardown();
    rmSync(dir, { recursive: true, force: true });
  };
}

const quietLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
};
