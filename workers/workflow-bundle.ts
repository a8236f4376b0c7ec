/** The workflow bundle: workflows/ bundled by the SDK, webpack's progress kept quiet (warnings and errors still print). */
import { bundleWorkflowCode } from '@temporalio/worker';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The entry of Loadout's workflows (the barrel). */
export const WORKFLOWS_PATH = require.resolve('../workflows/index.ts');

const quiet = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
};

export interface WorkflowBundle {
  /** The bundle's code, as `workflowBundle: { code }` takes it or a file holds it. */
  code: string;
  /** Every file webpack read to build it (sources, package.json files, the SDK's modules): what a cached copy depends on. */
  inputs: string[];
}

/** Bundles the workflows at `workflowsPath` (Loadout's by default), recording the files the bundle was built from. */
export async function bundleWorkflows(workflowsPath = WORKFLOWS_PATH): Promise<WorkflowBundle> {
  let inputs: string[] = [];
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    logger: quiet,
    webpackConfigHook: (config) => ({
      ...config,
      plugins: [
        ...(config.plugins ?? []),
        {
          apply(compiler) {
            compiler.hooks.done.tap('loadout-bundle-inputs', (stats) => {
              inputs = [...stats.compilation.fileDependencies];
            });
          },
        },
      ],
    }),
  });
  return { code, inputs };
}

/** The bundle's code, as `workflowBundle: { code }` takes it or a file holds it. */
export async function buildWorkflowBundle(): Promise<string> {
  return (await bundleWorkflows()).code;
}
