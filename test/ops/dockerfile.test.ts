/**
 * The worker's Dockerfile, read as Docker would (no engine here to build it): two stages, the
 * workflow bundle built in the first and loaded by the second, a non-root user, and every source
 * folder the CLI imports copied into the image (found by esbuild from bin/loadout.js's entry).
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');

interface Stage {
  from: string;
  lines: string[];
}

/** Instructions per stage, continuation lines joined, comments dropped. */
function stages(text: string): Stage[] {
  const instructions = text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const out: Stage[] = [];
  for (const line of instructions) {
    if (/^FROM\s/i.test(line)) out.push({ from: line, lines: [] });
    else out.at(-1)!.lines.push(line);
  }
  return out;
}

test('two stages: the bundle is built in the first and loaded by the second', () => {
  const [buildStage, runtime, ...more] = stages(dockerfile);
  expect(more).toEqual([]);
  expect(buildStage!.from).toMatch(/^FROM node:20\S* AS build$/);
  expect(buildStage!.lines).toContain('RUN npm ci --no-audit --no-fund');
  expect(buildStage!.lines).toContain('RUN npm run build:workflows -- --out dist/workflow-bundle.js');
  expect(runtime!.from).toMatch(/^FROM node:20\S* AS runtime$/);
  expect(runtime!.lines.join('\n')).toMatch(/RUN npm ci --omit=dev/);
  expect(runtime!.lines).toContain('COPY --from=build /app/dist/workflow-bundle.js ./dist/workflow-bundle.js');
  expect(runtime!.lines.join('\n')).toMatch(/LOADOUT_WORKFLOW_BUNDLE=\/app\/dist\/workflow-bundle\.js/);
  expect(runtime!.lines).toContain('ENTRYPOINT ["node", "bin/loadout.js"]');
  expect(runtime!.lines).toContain('CMD ["worker"]');
});

test('the worker runs as a user that is not root', () => {
  const users = stages(dockerfile)
    .at(-1)!
    .lines.filter((l) => /^USER\s/i.test(l));
  expect(users).toHaveLength(1);
  expect(users[0]).not.toMatch(/^USER\s+(root|0)(:|$)/);
});

test('every source folder the CLI imports is copied into the runtime image, and no test code', async () => {
  const result = await build({
    entryPoints: [`${root}cli/main.ts`],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  const imported = new Set(Object.keys(result.metafile.inputs).map((path) => path.split('/')[0]!));
  const copied = new Set(
    stages(dockerfile)
      .at(-1)!
      .lines.flatMap((l) => /^COPY (\w+) \.\/\1$/.exec(l)?.[1] ?? []),
  );
  expect(copied.has('bin')).toBe(true);
  for (const folder of imported) expect(copied, `${folder}/ is imported by the CLI`).toContain(folder);
  expect(copied.has('test')).toBe(false);
});

test('.dockerignore keeps local installs and state out of the build context', () => {
  const ignored = readFileSync(new URL('../../.dockerignore', import.meta.url), 'utf8').split('\n');
  for (const entry of ['node_modules', '.tools', '.loadout', '.git']) expect(ignored).toContain(entry);
});
