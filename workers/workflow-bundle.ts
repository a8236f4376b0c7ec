/** The workflow bundle: workflows/ bundled by the SDK, webpack's progress kept quiet (warnings and errors still print). */
import { bundleWorkflowCode } from '@temporalio/worker';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

const quiet = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
};

/** The bundle's code, as `workflowBundle: { code }` takes it or a file holds it. */
export async function buildWorkflowBundle(): Promise<string> {
  return (await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows/index.ts'), logger: quiet })).code;
}
