#!/usr/bin/env node
/**
 * Instructions the processing core executes on a corpus, counted by Valgrind (cachegrind), for
 * this tree and optionally a base revision. Wall-clock runs on this machine swing by a quarter
 * from one minute to the next (docs/benchmarks.md), so a change worth a few per cent cannot be
 * seen in seconds; the instruction count of the same run repeats to within about half a per cent.
 * It is a proxy, not the target: it does not see cache misses, so the target is still judged by
 * `loadout bench`.
 *
 *   node scripts/bench-instructions.mjs [--base <git rev>] [--input DIR]
 *
 * Each build's core is bundled with esbuild (no tsx at run time, whose start-up varies by
 * hundreds of millions of instructions) and run as `loadout bench` runs it (benchCore), under
 * `node --single-threaded`, so V8's optimising compiles and GC run on the counted thread, as they
 * share the one core in the benchmark. The start-up is measured on a five-line corpus and taken
 * off. Needs valgrind (`apt-get install valgrind`); a run of the 4-file corpus takes about 2 min.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    input: { type: 'string', default: '/tmp/bench/corpus' },
  },
});

/** A bundle of the tree's benchCore with its shipped catalog imported statically (loadCatalog imports files at run time). */
async function bundleCore(dir, entry, outfile) {
  const events = readdirSync(join(dir, 'schemas', 'events'))
    .filter((f) => f.endsWith('.ts'))
    .sort();
  writeFileSync(
    entry,
    [
      ...events.map((f, i) => `import e${i} from ${JSON.stringify(join(dir, 'schemas', 'events', f))};`),
      `import { Catalog } from ${JSON.stringify(join(dir, 'schemas', 'catalog.ts'))};`,
      `import { benchCore } from ${JSON.stringify(join(dir, 'cli', 'bench-core.ts'))};`,
      `const result = await benchCore(new Catalog([${events.map((_, i) => `e${i}`).join(', ')}]), process.argv[2], 16);`,
      'console.log(JSON.stringify({ events: result.events, rows_staged: result.rows_staged, seconds: result.seconds }));',
    ].join('\n'),
  );
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

/** The first lines of the corpus's first file: what every run pays before the corpus (imports, catalog, first compiles). */
function startupCorpus(from, dir) {
  const first = readdirSync(from, { recursive: true })
    .map((f) => join(from, f))
    .filter((f) => statSync(f).isFile())
    .sort()[0];
  // Thrown, not fail(): main's finally must still remove the base worktree.
  if (first === undefined) throw new Error(`no files under ${from}: run \`loadout generate --out ${from}\` first`);
  const text = gunzipOrPlain(readFileSync(first)).toString('utf8').split('\n').slice(0, 5).join('\n');
  const path = join(dir, relative(from, first));
  mkdirSync(resolve(path, '..'), { recursive: true });
  writeFileSync(path, first.endsWith('.gz') ? gzipSync(text) : text);
  return dir;
}

function countInstructions(bundle, corpus, outFile) {
  const cwd = resolve(outFile, '..');
  return new Promise((resolvePromise, reject) => {
    const args = [
      '--tool=cachegrind',
      '--cache-sim=no',
      `--cachegrind-out-file=${outFile}`,
      '--smc-check=all-non-file',
      process.execPath,
      '--single-threaded',
      bundle,
      corpus,
    ];
    const child = spawn('valgrind', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '',
      stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0)
        return reject(
          new Error(`valgrind on ${corpus} exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' ')}`),
        );
      // Thrown here it would end the process past main's finally, leaving the base worktree behind.
      try {
        resolvePromise({ result: JSON.parse(stdout.trim().split('\n').pop()), byCategory: categories(outFile) });
      } catch (error) {
        reject(error);
      }
    });
  });
}

/**
 * Instructions per kind of code, from cg_annotate's per-function table. V8's generated code has
 * no symbols, so "generated code" is the JavaScript the JIT compiled (and the few other unnamed).
 */
function categories(outFile) {
  const table = execFileSync('cg_annotate', ['--threshold=0', outFile], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const byCategory = {};
  for (const line of table.split('\n')) {
    const m = /^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$/.exec(line);
    if (!m || m[2].includes('PROGRAM TOTALS')) continue;
    const category = categoryOf(m[2]);
    byCategory[category] = (byCategory[category] ?? 0) + Number(m[1].replaceAll(',', ''));
  }
  return byCategory;
}

const CATEGORIES = [
  ['generated code', /^\?\?\?:\?\?\?$/],
  ['optimising compiler', /compiler::|[Tt]urbofan|maglev/],
  [
    'gc',
    /Scaveng|Mark(ing|er|Compact)|Sweep|Heap::|Evacuat|MemoryAllocator|RecordWrite|GlobalHandles|PagedSpace|NewSpace|Remembered|SlotSet|GCTracer|MinorMC/,
  ],
  ['parser and bytecode', /Scanner|Parser|AstValue|Preparse|BytecodeGenerator|interpreter::|Utf16CharacterStream/],
  ['zlib', /inflate|crc32|adler/],
  ['snappy', /snap::|snappy/],
  ['V8 builtins', /^\?\?\?:Builtins_/],
  ['libc', /sysdeps|malloc|libc/],
];

function categoryOf(fn) {
  for (const [name, pattern] of CATEGORIES) if (pattern.test(fn)) return name;
  return 'other native';
}

function subtract(a, b) {
  const out = {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) out[k] = (a[k] ?? 0) - (b[k] ?? 0);
  return out;
}

function gunzipOrPlain(bytes) {
  return bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
}

function fmt(n) {
  return `${(n / 1e9).toFixed(3)} G`;
}

function fail(message) {
  console.error(message);
  process.exit(2);
}

async function main() {
  const root = resolve(import.meta.dirname, '..');
  const input = resolve(values.input);
  if (spawnSync('valgrind', ['--version'], { stdio: 'ignore' }).status !== 0)
    fail('valgrind not found: install it (apt-get install valgrind)');
  if (!existsSync(input)) fail(`no corpus at ${input}: run \`loadout generate --out ${input}\` first`);

  const work = mkdtempSync(join(tmpdir(), 'loadout-instructions-'));
  // Bundles live under this checkout's node_modules, so their imports of packages resolve there.
  const bundles = join(root, 'node_modules', '.cache', 'loadout-bench-instructions');
  mkdirSync(bundles, { recursive: true });
  const builds = [{ name: 'this tree', dir: root }];
  let baseDir;
  if (values.base) {
    baseDir = join(work, 'base');
    execFileSync('git', ['-C', root, 'worktree', 'add', '--detach', '--quiet', baseDir, values.base], {
      stdio: 'inherit',
    });
    symlinkSync(join(root, 'node_modules'), join(baseDir, 'node_modules'));
    builds.unshift({ name: `base ${values.base}`, dir: baseDir });
  }

  try {
    const startup = startupCorpus(input, join(work, 'startup'));
    for (const [i, b] of builds.entries())
      b.bundle = await bundleCore(b.dir, join(work, `entry-${i}.ts`), join(bundles, `build-${process.pid}-${i}.mjs`));
    // Two runs per build, the corpus and the start-up corpus, all at once: the counts do not depend on how many share the cores.
    const jobs = builds.flatMap((b) => [
      { b, corpus: input, key: 'total' },
      { b, corpus: startup, key: 'startup' },
    ]);
    await Promise.all(
      jobs.map(async (job) => {
        job.b[job.key] = await countInstructions(
          job.b.bundle,
          job.corpus,
          join(work, `${builds.indexOf(job.b)}-${job.key}.out`),
        );
      }),
    );
    for (const b of builds) {
      const window = subtract(b.total.byCategory, b.startup.byCategory);
      b.window = Object.values(window).reduce((x, y) => x + y, 0);
      console.log(
        JSON.stringify({
          build: b.name,
          events: b.total.result.events,
          instructions: b.window,
          per_event: Math.round(b.window / b.total.result.events),
          by_category: Object.fromEntries(Object.entries(window).sort((x, y) => y[1] - x[1])),
        }),
      );
    }
    if (builds.length === 2) {
      const [base, tree] = builds;
      const change = ((tree.window - base.window) / base.window) * 100;
      console.log(
        `this tree executes ${change >= 0 ? '+' : ''}${change.toFixed(2)} % instructions against ${base.name} (${fmt(tree.window)} against ${fmt(base.window)})`,
      );
    }
  } finally {
    for (const b of builds) if (b.bundle) rmSync(b.bundle, { force: true });
    if (baseDir) execFileSync('git', ['-C', root, 'worktree', 'remove', '--force', baseDir]);
    rmSync(work, { recursive: true, force: true });
  }
}

await main().catch((error) => fail(error.message));
