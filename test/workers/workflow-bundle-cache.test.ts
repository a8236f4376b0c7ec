/** The cached workflow bundle on a real directory, bundled by the real SDK: reused, invalidated, repaired. */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../../workers/project-root';
import { bundleWorkflows } from '../../workers/workflow-bundle';
import { cachedWorkflowBundle } from '../../workers/workflow-bundle-cache';

// Inside the checkout (a git-ignored folder), so webpack resolves @temporalio/workflow from it.
mkdirSync(join(PROJECT_ROOT, 'test-artifacts'), { recursive: true });
const root = mkdtempSync(join(PROJECT_ROOT, 'test-artifacts', 'bundle-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A small workflow source of its own, so a test can change it; and a counter of real builds. */
function scenario(name: string) {
  const dir = join(root, name);
  mkdirSync(join(dir, 'src'), { recursive: true });
  const source = join(dir, 'src', 'workflows.ts');
  const write = (answer: string) =>
    writeFileSync(source, `export async function answer(): Promise<string> {\n  return '${answer}';\n}\n`);
  write('first');
  let builds = 0;
  const options = {
    dir: join(dir, 'cache'),
    workflowsPath: source,
    build: (path: string) => {
      builds++;
      return bundleWorkflows(path);
    },
  };
  return { options, write, builds: () => builds, cacheDir: options.dir };
}

test('a second start reuses the cached bundle without bundling', async () => {
  const s = scenario('reuse');
  const first = await cachedWorkflowBundle(s.options);
  expect(first.built).toBe(true);
  expect(readFileSync(first.path, 'utf8')).toContain("'first'");
  const second = await cachedWorkflowBundle(s.options);
  expect(second).toEqual({ path: first.path, built: false });
  expect(s.builds()).toBe(1);
});

test('a changed workflow source invalidates the cache, and the new bundle has the change', async () => {
  const s = scenario('changed');
  const first = await cachedWorkflowBundle(s.options);
  s.write('second');
  const next = await cachedWorkflowBundle(s.options);
  expect(next.built).toBe(true);
  expect(next.path).not.toBe(first.path);
  expect(readFileSync(next.path, 'utf8')).toContain("'second'");
  expect(s.builds()).toBe(2);
});

test('the manifest lists the source and the SDK package it was built from', async () => {
  const s = scenario('inputs');
  await cachedWorkflowBundle(s.options);
  const manifest = JSON.parse(readFileSync(join(s.cacheDir, 'manifest.json'), 'utf8')) as {
    inputs: Record<string, string>;
    sdk: Record<string, string>;
  };
  const inputs = Object.keys(manifest.inputs);
  expect(inputs).toContain(s.options.workflowsPath);
  expect(inputs.some((f) => /@temporalio[/\\]workflow[/\\]package\.json$/.test(f))).toBe(true);
  const sdkVersion = (createRequire(import.meta.url)('@temporalio/workflow/package.json') as { version: string })
    .version;
  expect(manifest.sdk['@temporalio/workflow']).toBe(sdkVersion);
});

test('a corrupt bundle file or manifest is rebuilt, not used', async () => {
  const s = scenario('corrupt');
  const first = await cachedWorkflowBundle(s.options);
  writeFileSync(first.path, readFileSync(first.path, 'utf8').slice(0, 1000));
  const repaired = await cachedWorkflowBundle(s.options);
  expect(repaired.built).toBe(true);
  expect(readFileSync(repaired.path, 'utf8')).toContain("'first'");
  writeFileSync(join(s.cacheDir, 'manifest.json'), '{"format": 1, "inpu');
  expect((await cachedWorkflowBundle(s.options)).built).toBe(true);
  expect(s.builds()).toBe(3);
  expect((await cachedWorkflowBundle(s.options)).built).toBe(false);
});

test('two starts bundling at once both get a whole bundle, and leave no temporary file', async () => {
  const s = scenario('concurrent');
  const [a, b] = await Promise.all([cachedWorkflowBundle(s.options), cachedWorkflowBundle(s.options)]);
  expect(a.path).toBe(b.path);
  expect(readFileSync(a.path, 'utf8')).toContain("'first'");
  expect(readdirSync(s.cacheDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  expect((await cachedWorkflowBundle(s.options)).built).toBe(false);
});

test('a cache directory that cannot be written is refused with what to do', async () => {
  const s = scenario('unwritable');
  const file = join(root, 'unwritable', 'not-a-directory');
  writeFileSync(file, '');
  await expect(cachedWorkflowBundle({ ...s.options, dir: join(file, 'cache') })).rejects.toThrow(
    /cannot cache the workflow bundle under .*not-a-directory.*LOADOUT_WORKFLOW_BUNDLE/,
  );
});

test('a rebuild removes bundles unused for an hour, and a reused bundle counts as used', async () => {
  const s = scenario('prune');
  const first = await cachedWorkflowBundle(s.options);
  const hoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
  utimesSync(first.path, hoursAgo, hoursAgo);
  expect((await cachedWorkflowBundle(s.options)).built).toBe(false);
  expect(Date.now() - statSync(first.path).mtimeMs).toBeLessThan(60_000);
  const stale = join(s.cacheDir, `${'0'.repeat(64)}.js`);
  const recent = join(s.cacheDir, `${'1'.repeat(64)}.js`);
  writeFileSync(stale, 'old');
  utimesSync(stale, hoursAgo, hoursAgo);
  writeFileSync(recent, 'in use elsewhere');
  s.write('second');
  expect((await cachedWorkflowBundle(s.options)).built).toBe(true);
  expect(existsSync(stale)).toBe(false);
  expect(existsSync(recent)).toBe(true);
  expect(existsSync(first.path)).toBe(true);
});
