/**
 * The workflow bundle cached on disk (under LOADOUT_HOME), so repeated commands skip webpack: reused
 * while every file it was built from, and the SDK's version, is unchanged; rebuilt otherwise.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { bundleWorkflows, WORKFLOWS_PATH, type WorkflowBundle } from './workflow-bundle';

const require = createRequire(import.meta.url);

/** Bumped when the manifest's meaning changes: older caches are then rebuilt, never misread. */
const FORMAT = 1;
const MANIFEST = 'manifest.json';
/** A superseded bundle file is removed once unused this long: a process that chose it may still be reading it. */
const STALE_AFTER_MS = 60 * 60 * 1000;

interface Manifest {
  format: number;
  workflowsPath: string;
  sdk: Record<string, string>;
  /** Every input file with the SHA-256 of its content when the bundle was built. */
  inputs: Record<string, string>;
  /** The bundle's file in the cache directory, named by the SHA-256 of its content. */
  bundle: string;
}

export interface CachedBundleOptions {
  /** The cache's directory (created when missing). */
  dir: string;
  /** Loadout's workflows by default; tests bundle a small workflow of their own. */
  workflowsPath?: string;
  /** Called before bundling, when no valid cached bundle exists (bundling takes seconds). */
  onBuild?: () => void;
  /** Builds the bundle; injectable so tests can count builds. */
  build?: (workflowsPath: string) => Promise<WorkflowBundle>;
}

/**
 * The path of a bundle of the workflows, from the cache when it is current, else built and cached.
 * Two processes may build at once: each writes under a unique temporary name and renames it into
 * place, so a reader sees a whole file, and the files are named by their content.
 */
export async function cachedWorkflowBundle(options: CachedBundleOptions): Promise<{ path: string; built: boolean }> {
  const workflowsPath = options.workflowsPath ?? WORKFLOWS_PATH;
  const sdk = sdkVersions();
  const cached = await currentBundle(options.dir, workflowsPath, sdk);
  if (cached !== undefined) {
    // Its modification time is its last use: pruning spares bundles in use (a test run's workers read it again and again).
    const now = new Date();
    await utimes(cached, now, now).catch(() => undefined);
    return { path: cached, built: false };
  }
  options.onBuild?.();
  const { code, inputs } = await (options.build ?? bundleWorkflows)(workflowsPath);
  const bundle = `${sha256(code)}.js`;
  const manifest: Manifest = { format: FORMAT, workflowsPath, sdk, inputs: await hashInputs(inputs), bundle };
  try {
    await mkdir(options.dir, { recursive: true });
    await writeAtomically(join(options.dir, bundle), code);
    await writeAtomically(join(options.dir, MANIFEST), JSON.stringify(manifest));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `cannot cache the workflow bundle under ${options.dir}: ${reason} (make LOADOUT_HOME writable, or set LOADOUT_WORKFLOW_BUNDLE to a bundle built by npm run build:workflows)`,
    );
  }
  await pruneStaleBundles(options.dir, bundle);
  return { path: join(options.dir, bundle), built: true };
}

/** The cached bundle's path when its manifest, every input and the bundle itself check out; else undefined. */
async function currentBundle(dir: string, workflowsPath: string, sdk: Record<string, string>) {
  try {
    const manifest = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as Manifest;
    if (manifest.format !== FORMAT || manifest.workflowsPath !== workflowsPath) return undefined;
    if (JSON.stringify(manifest.sdk) !== JSON.stringify(sdk)) return undefined;
    if (!/^[0-9a-f]{64}\.js$/.test(manifest.bundle)) return undefined;
    const path = join(dir, manifest.bundle);
    // A truncated or edited bundle file no longer matches its name.
    if (`${sha256(await readFile(path))}.js` !== manifest.bundle) return undefined;
    const files = Object.keys(manifest.inputs);
    if (files.length === 0) return undefined;
    const now = await hashInputs(files);
    return files.every((f) => now[f] === manifest.inputs[f]) ? path : undefined;
  } catch {
    // No cache yet, or a damaged one: rebuilt.
    return undefined;
  }
}

/** The SHA-256 of each input that is a file on disk (webpack also lists its generated entry, which lives in memory). */
async function hashInputs(files: string[]): Promise<Record<string, string>> {
  const hashed = await Promise.all(
    files.map(async (f) => {
      try {
        return [f, sha256(await readFile(f))] as const;
      } catch {
        return undefined;
      }
    }),
  );
  return Object.fromEntries(hashed.filter((h) => h !== undefined));
}

function sdkVersions(): Record<string, string> {
  const version = (name: string) => (require(`${name}/package.json`) as { version: string }).version;
  return {
    '@temporalio/workflow': version('@temporalio/workflow'),
    '@temporalio/worker': version('@temporalio/worker'),
  };
}

function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

async function writeAtomically(path: string, content: string): Promise<void> {
  const temporary = `${path}.${process.pid}-${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, content);
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true });
  }
}

/** Bundles the sources no longer produce, and leftovers of interrupted writes, once old enough to be unused. */
async function pruneStaleBundles(dir: string, current: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (name === current || name === MANIFEST || !/\.(js|tmp)$/.test(name)) continue;
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > STALE_AFTER_MS) await rm(path, { force: true });
  }
}
