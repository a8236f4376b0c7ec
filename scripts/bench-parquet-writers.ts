/**
 * Measures Parquet writers for the staging step and checks what each one wrote.
 *
 *   npx tsx scripts/bench-parquet-writers.ts [--rows 1000000] [--runs 3] [--json]
 *     [--writers 'name,name'] [--shapes damage_dealt,loadout_changed] [--slow-rows 50000]
 *     [--row-group 100000] [--out-dir DIR] [--keep] [--pyarrow /path/to/python]
 *     [--modules /path/to/node_modules] [--ablation] [--quiet-retries 0]
 *   npx tsx scripts/bench-parquet-writers.ts --from-json report.json   # Markdown from a saved --json
 *
 * Data: generated in memory from a seeded PRNG, the same values on every run, held the way
 * TableBuffer holds a table (one plain JS array per column: strings, numbers for int64 and for
 * timestamps in microseconds since the epoch, booleans, null for a missing optional value).
 *
 * Each (writer, shape) runs in its own child process, so one writer's heap and native allocations
 * cannot inflate another's figures. The child loads the library (untimed; DuckDB's instance is
 * opened there too, as a worker would keep one), generates the data, then writes the file `--runs`
 * times. Each run is timed from the columnar arrays to the closed file: converting to what the
 * writer takes, encoding, SNAPPY, writing row groups of `--row-group` rows and the footer. Before
 * each run it collects garbage and resets the peak-RSS mark (/proc/self/clear_refs), so "peak RSS Δ"
 * is what the write itself added. CPU time (all threads of the process) is reported beside wall time
 * because this machine is shared; "others' load" is how many cores other processes kept busy, and
 * `--quiet-retries N` repeats a run they disturbed (over 0.25 cores) up to N times, keeping the
 * least disturbed attempt.
 * Writers marked slow are measured on `--slow-rows` rows and scaled, and say so.
 *
 * Then every file is checked: read back by DuckDB (aggregates against values computed here from
 * the same generator, `DESCRIBE`, a content hash that must agree across writers), its footer read
 * with hyparquet (physical/logical types, repetition, codec, row groups, page kinds), and, with
 * `--pyarrow`, read by pyarrow.
 *
 * Writers needing an optional compressor package (`snappy`, `hysnappy`) run only when it
 * can be loaded, from the project or from `--modules`. `--ablation` runs hyparquet-writer option
 * variants instead of the writer comparison.
 *
 * The two parquetjs writers are not dependencies of Loadout (nothing else uses them); install them
 * for a run without saving them, or leave them out with `--writers`:
 *
 *   npm install --no-save @dsnp/parquetjs parquetjs-lite
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DuckDBType } from '@duckdb/node-api';

// ---------------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------------

export type ColType = 'string' | 'json' | 'int64' | 'double' | 'boolean' | 'timestamp';
export interface Col {
  name: string;
  type: ColType;
  nullable: boolean;
}
export interface Table {
  shape: ShapeName;
  columns: Col[];
  /** One plain array per column, as TableBuffer holds them. */
  values: unknown[][];
  rows: number;
}

const SHAPES = {
  damage_dealt: [
    { name: 'id', type: 'string', nullable: false },
    { name: 'date', type: 'timestamp', nullable: false },
    { name: 'gsess', type: 'string', nullable: false },
    { name: 'psess', type: 'string', nullable: false },
    { name: 'eid', type: 'int64', nullable: false },
    { name: 'weapon', type: 'string', nullable: false },
    { name: 'amount', type: 'double', nullable: false },
    { name: 'critical', type: 'boolean', nullable: false },
  ],
  loadout_changed: [
    { name: 'id', type: 'string', nullable: false },
    { name: 'date', type: 'timestamp', nullable: false },
    { name: 'psess', type: 'string', nullable: false },
    { name: 'items', type: 'json', nullable: false },
    { name: 'perks', type: 'json', nullable: true },
  ],
} satisfies Record<string, Col[]>;
export type ShapeName = keyof typeof SHAPES;
const SHAPE_NAMES = Object.keys(SHAPES) as ShapeName[];

/** sfc32: small, fast, seeded; the same seed gives the same table on every machine. */
function prng(seed: number): () => number {
  const st = new Int32Array([0x9e3779b9, 0x243f6a88, 0xb7e15162, seed]);
  const next = (): number => {
    let a = st[0]!,
      b = st[1]!,
      c = st[2]!,
      d = st[3]!;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    st[0] = a;
    st[1] = b;
    st[2] = c;
    st[3] = d;
    return t >>> 0;
  };
  for (let i = 0; i < 16; i++) next();
  return next;
}

/**
 * Builds ASCII strings from char codes. Strings made by `+` or template literals are V8 cons-strings
 * (ropes) that a writer would have to flatten on first use; rows parsed by JSON.parse hold flat
 * strings, so the generator makes flat ones too.
 */
class Chars {
  private codes = new Uint8Array(4096);
  private decoder = new TextDecoder();
  private n = 0;
  text(s: string): this {
    for (let i = 0; i < s.length; i++) this.codes[this.n++] = s.charCodeAt(i);
    return this;
  }
  hex(x: number, nibbles: number): this {
    for (let i = nibbles - 1; i >= 0; i--) this.codes[this.n++] = HEX_CODES[(x >>> (i * 4)) & 15]!;
    return this;
  }
  done(): string {
    const s = this.decoder.decode(this.codes.subarray(0, this.n));
    this.n = 0;
    return s;
  }
}
const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const DASH = '-';

/** A lower-case version-4 UUID as text. */
function uuid(next: () => number, b: Chars): string {
  const w0 = next(),
    w1 = (next() & 0xffff0fff) | 0x4000,
    w2 = (next() & 0x3fffffff) | 0x80000000,
    w3 = next();
  return b
    .hex(w0, 8)
    .text(DASH)
    .hex(w1 >>> 16, 4)
    .text(DASH)
    .hex(w1 & 0xffff, 4)
    .text(DASH)
    .hex(w2 >>> 16, 4)
    .text(DASH)
    .hex(w2 & 0xffff, 4)
    .hex(w3, 8)
    .done();
}

const WEAPONS = [
  'ak47',
  'm4a1',
  'awp',
  'deagle',
  'glock',
  'usp',
  'p90',
  'mp5',
  'mp7',
  'ump45',
  'famas',
  'galil',
  'aug',
  'sg553',
  'scout',
  'negev',
  'm249',
  'nova',
  'xm1014',
  'mag7',
  'sawedoff',
  'tec9',
  'fiveseven',
  'cz75',
  'p250',
  'revolver',
  'knife',
  'grenade',
  'molotov',
  'taser',
];
const ITEMS = Array.from(
  { length: 60 },
  (_, i) => `item_${['helm', 'vest', 'boots', 'gloves', 'scope', 'grip'][i % 6]}_${i}`,
);
const PERKS = ['speed', 'armor', 'reload', 'stealth', 'medic', 'scavenger', 'ninja', 'ghost'];
/** 2024-06-01T00:00:00Z in microseconds. */
const START_MICROS = Date.UTC(2024, 5, 1) * 1000;

export function generate(shape: ShapeName, rows: number): Table {
  const next = prng(shape === 'damage_dealt' ? 20240601 : 20240602);
  const columns: Col[] = SHAPES[shape];
  // Fixed pools, so that per-row figures do not depend on the row count.
  const b = new Chars();
  const gsessPool = Array.from({ length: 2_000 }, () => uuid(next, b));
  const psessPool = Array.from({ length: 20_000 }, () => uuid(next, b));
  const id: string[] = [],
    date: number[] = [],
    psess: string[] = [];
  let micros = START_MICROS;
  if (shape === 'damage_dealt') {
    const gsess: string[] = [],
      eid: number[] = [],
      weapon: string[] = [],
      amount: number[] = [],
      critical: boolean[] = [];
    for (let r = 0; r < rows; r++) {
      micros += next() % 2_000_000; // events up to 2 s apart, with microsecond noise
      id.push(uuid(next, b));
      date.push(micros);
      gsess.push(gsessPool[next() % gsessPool.length]!);
      psess.push(psessPool[next() % psessPool.length]!);
      eid.push(next() % 100_000);
      weapon.push(WEAPONS[next() % WEAPONS.length]!);
      amount.push((next() % 20_000) / 100);
      critical.push(next() % 100 < 15);
    }
    return { shape, columns, values: [id, date, gsess, psess, eid, weapon, amount, critical], rows };
  }
  const items: string[] = [],
    perks: (string | null)[] = [];
  for (let r = 0; r < rows; r++) {
    micros += next() % 2_000_000;
    id.push(uuid(next, b));
    date.push(micros);
    psess.push(psessPool[next() % psessPool.length]!);
    // JSON text built by hand (the same text JSON.stringify gives), to keep generation quick.
    b.text('["').text(ITEMS[next() % ITEMS.length]!);
    for (let i = 1, n = 3 + (next() % 6); i < n; i++) b.text('","').text(ITEMS[next() % ITEMS.length]!);
    items.push(b.text('"]').done());
    if (next() % 10 < 3) {
      perks.push(null);
    } else {
      b.text('{');
      for (let i = 0, k = 1 + (next() % 3); i < k; i++) {
        b.text(i ? ',"' : '"')
          .text(PERKS[next() % PERKS.length]!)
          .text('":')
          .text(next() % 2 ? String(next() % 5) : 'true');
      }
      perks.push(b.text('}').done());
    }
  }
  return { shape, columns, values: [id, date, psess, items, perks], rows };
}

interface Expected {
  rows: number;
  distinctIds: number;
  minDateMicros: string;
  maxDateMicros: string;
  /** damage_dealt */
  sumAmount?: number;
  sumEid?: string;
  criticals?: number;
  distinctWeapons?: number;
  /** loadout_changed */
  perksNonNull?: number;
  sumItemsLength?: number;
}

function expectedOf(t: Table): Expected {
  const col = (name: string): unknown[] => t.values[t.columns.findIndex((c) => c.name === name)]!;
  const dates = col('date') as number[];
  let min = Infinity,
    max = -Infinity;
  for (const d of dates) {
    if (d < min) min = d;
    if (d > max) max = d;
  }
  const e: Expected = {
    rows: t.rows,
    distinctIds: new Set(col('id')).size,
    minDateMicros: String(min),
    maxDateMicros: String(max),
  };
  if (t.shape === 'damage_dealt') {
    let sum = 0,
      eid = 0n,
      crit = 0;
    for (const a of col('amount') as number[]) sum += a;
    for (const v of col('eid') as number[]) eid += BigInt(v);
    for (const c of col('critical') as boolean[]) if (c) crit++;
    Object.assign(e, {
      sumAmount: sum,
      sumEid: String(eid),
      criticals: crit,
      distinctWeapons: new Set(col('weapon')).size,
    });
  } else {
    let nonNull = 0,
      len = 0;
    for (const p of col('perks')) if (p !== null) nonNull++;
    for (const s of col('items') as string[]) len += s.length;
    Object.assign(e, { perksNonNull: nonNull, sumItemsLength: len });
  }
  return e;
}

// ---------------------------------------------------------------------------------------------
// Writers
// ---------------------------------------------------------------------------------------------

interface WriterImpl {
  /** Short description for the report. */
  how: string;
  /** Pushes row groups into one open file as they come (bounded memory, fits TableBuffer.flush). */
  incremental: string;
  /** Measured on `--slow-rows` rows and scaled, because a full run takes too long. */
  slow?: boolean;
  /** Untimed: loads the library and opens what a long-lived worker would keep open. */
  setup(o: Options): Promise<unknown>;
  /** Writes `t` to `path` (a file, or a directory for writers that write one file per row group). */
  write(ctx: unknown, path: string, t: Table, rowGroup: number): Promise<void>;
}

// --- hyparquet-writer -------------------------------------------------------------------------

/** What can be varied in a hyparquet-writer run; the ablation (`--ablation`) walks these. */
interface HypOptions {
  /** SNAPPY implementation: the writer's built-in JS one, `snappy` (native, napi-rs) or `hysnappy` (wasm). */
  snappy: 'builtin' | 'napi' | 'hysnappy';
  /** Column statistics (min/max/null count in the footer). */
  stats: 'all' | 'timestamp' | 'none';
  /** `id` (unique uuids) forced to PLAIN, skipping the dictionary trial. */
  idPlain: boolean;
  /**
   * Columns forced to RLE_DICTIONARY. The writer decides on a 1,000-value sample and drops the
   * dictionary when over 90% of the sample is distinct, which session uuids are (20,000 sessions
   * per 100,000-row group) although each value repeats about 5 times in the group.
   */
  forceDictionary?: string[];
  /** No dictionary anywhere (every column PLAIN). */
  noDictionary?: boolean;
  /** Timestamps handed over as BigInt64Array instead of the numbers TableBuffer holds. */
  timestampBigInt?: boolean;
  /** INT64 handed over as bigint[] instead of BigInt64Array. */
  int64Array?: boolean;
}

const HYP_DEFAULT: HypOptions = { snappy: 'builtin', stats: 'all', idPlain: false };
/** The per-column choices picked from the ablation (docs/parquet-writers.md). */
const HYP_TUNED: Omit<HypOptions, 'snappy'> = {
  stats: 'timestamp',
  idPlain: true,
  forceDictionary: ['gsess', 'psess'],
};

type Compressor = (input: Uint8Array) => Uint8Array;

/** Loads an optional package from the project or from `--modules DIR` (a node_modules folder). */
async function optionalModule(name: string, o: Options): Promise<unknown> {
  const roots = [fileURLToPath(new URL('../package.json', import.meta.url))];
  if (o.modules) roots.unshift(join(o.modules, '..', 'package.json'));
  for (const root of roots) {
    try {
      const resolved = createRequire(root).resolve(name);
      return await import(pathToFileURL(resolved).href);
    } catch {
      /* next */
    }
  }
  throw new Error(`${name} is not installed (pass --modules DIR/node_modules holding it)`);
}

async function snappyCompressor(kind: HypOptions['snappy'], o: Options): Promise<Compressor | undefined> {
  if (kind === 'builtin') return undefined;
  if (kind === 'napi') {
    const m = (await optionalModule('snappy', o)) as {
      compressSync?: (b: Uint8Array) => Uint8Array;
      default?: { compressSync: (b: Uint8Array) => Uint8Array };
    };
    const compressSync = m.compressSync ?? m.default!.compressSync;
    return (b) => compressSync(b);
  }
  const m = (await optionalModule('hysnappy', o)) as { snappyCompress: Compressor };
  return m.snappyCompress;
}

async function hyparquetSetup(
  h: HypOptions,
  o: Options,
): Promise<{ mod: typeof import('hyparquet-writer'); compressor?: Compressor }> {
  return { mod: await import('hyparquet-writer'), compressor: await snappyCompressor(h.snappy, o) };
}

async function hyparquetWrite(
  ctx: Awaited<ReturnType<typeof hyparquetSetup>>,
  h: HypOptions,
  path: string,
  t: Table,
  rowGroup: number,
): Promise<void> {
  const { ParquetWriter, fileWriter } = ctx.mod;
  type Schema = ConstructorParameters<typeof ParquetWriter>[0]['schema'];
  type Element = Schema[number];
  type ColumnSource = Parameters<InstanceType<typeof ParquetWriter>['write']>[0]['columnData'][number];
  const element = (c: Col): Element => {
    const repetition_type = c.nullable ? 'OPTIONAL' : 'REQUIRED';
    switch (c.type) {
      case 'string':
      case 'json':
        return {
          name: c.name,
          repetition_type,
          type: 'BYTE_ARRAY',
          converted_type: 'UTF8',
          logical_type: { type: 'STRING' },
        };
      case 'int64':
        return { name: c.name, repetition_type, type: 'INT64' };
      case 'double':
        return { name: c.name, repetition_type, type: 'DOUBLE' };
      case 'boolean':
        return { name: c.name, repetition_type, type: 'BOOLEAN' };
      case 'timestamp':
        return {
          name: c.name,
          repetition_type,
          type: 'INT64',
          converted_type: 'TIMESTAMP_MICROS',
          logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
        };
    }
  };
  const schema: Schema = [{ name: 'root', num_children: t.columns.length }, ...t.columns.map(element)];
  const writer = new ParquetWriter({
    writer: fileWriter(path),
    schema,
    codec: 'SNAPPY',
    createdBy: 'loadout-bench',
    ...(ctx.compressor ? { compressors: { SNAPPY: ctx.compressor } } : {}),
  });
  for (let start = 0; start < t.rows; start += rowGroup) {
    const end = Math.min(t.rows, start + rowGroup);
    const columnData: ColumnSource[] = t.columns.map((c, i) => {
      const v = t.values[i]!;
      let data: unknown;
      if (c.type === 'int64') {
        data = h.int64Array ? bigints(v, start, end) : toBigInt64(v, start, end);
      } else if (c.type === 'timestamp' && h.timestampBigInt) {
        data = toBigInt64(v, start, end);
      } else {
        data = v.slice(start, end); // strings, numbers (timestamps too: the writer makes them bigints), booleans
      }
      const source: ColumnSource = { name: c.name, data: data as ColumnSource['data'] };
      if (h.stats === 'none' || (h.stats === 'timestamp' && c.type !== 'timestamp')) source.statistics = false;
      if ((h.idPlain && c.name === 'id') || (h.noDictionary && c.type !== 'boolean')) source.encoding = 'PLAIN';
      if (h.forceDictionary?.includes(c.name)) source.encoding = 'RLE_DICTIONARY';
      return source;
    });
    // fileWriter has no flush(), so write() is synchronous; it spills to the file every ~1 MB.
    void writer.write({ columnData, rowGroupSize: end - start });
    await yieldToLoop();
  }
  await writer.finish();
}

/** Numbers to bigints for an INT64 column (hyparquet-writer's PLAIN INT64 encoder takes bigints only). */
function toBigInt64(values: unknown[], start: number, end: number): BigInt64Array {
  const out = new BigInt64Array(end - start);
  for (let i = start; i < end; i++) out[i - start] = BigInt(values[i] as number);
  return out;
}
function bigints(values: unknown[], start: number, end: number): bigint[] {
  const out = new Array<bigint>(end - start);
  for (let i = start; i < end; i++) out[i - start] = BigInt(values[i] as number);
  return out;
}

function hypWriter(h: HypOptions, how: string): WriterImpl {
  return {
    how,
    incremental: 'yes',
    setup: (o) => hyparquetSetup(h, o),
    write: (ctx, p, t, rg) => hyparquetWrite(ctx as Awaited<ReturnType<typeof hyparquetSetup>>, h, p, t, rg),
  };
}

// --- parquetjs family -------------------------------------------------------------------------

interface ParquetjsModule {
  ParquetSchema: new (def: Record<string, unknown>) => unknown;
  ParquetWriter: {
    openFile(
      schema: unknown,
      path: string,
      opts: Record<string, unknown>,
    ): Promise<{ appendRow(row: Record<string, unknown>): Promise<void>; close(): Promise<void> }>;
  };
}

async function parquetjsSetup(pkg: string): Promise<ParquetjsModule> {
  const specifier: string = pkg; // a string, not a literal: parquetjs-lite ships no types
  const mod = (await import(specifier)) as ParquetjsModule & { default?: ParquetjsModule };
  return mod.ParquetSchema ? mod : mod.default!;
}

async function parquetjsWrite(mod: ParquetjsModule, path: string, t: Table, rowGroup: number): Promise<void> {
  const typeOf: Record<ColType, string> = {
    string: 'UTF8',
    json: 'UTF8',
    int64: 'INT64',
    double: 'DOUBLE',
    boolean: 'BOOLEAN',
    timestamp: 'TIMESTAMP_MICROS',
  };
  const def: Record<string, unknown> = {};
  for (const c of t.columns) def[c.name] = { type: typeOf[c.type], optional: c.nullable, compression: 'SNAPPY' };
  const schema = new mod.ParquetSchema(def);
  // Data page V1: both default to V2 pages, which other readers handle less well.
  const writer = await mod.ParquetWriter.openFile(schema, path, { rowGroupSize: rowGroup, useDataPageV2: false });
  const names = t.columns.map((c) => c.name);
  const isInt64 = t.columns.map((c) => c.type === 'int64');
  for (let r = 0; r < t.rows; r++) {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) {
      const v = t.values[i]![r];
      if (v === null) continue; // an absent key is how parquetjs takes a null
      row[names[i]!] = isInt64[i] ? BigInt(v as number) : v;
    }
    await writer.appendRow(row);
    if ((r + 1) % rowGroup === 0) await yieldToLoop();
  }
  await writer.close();
}

function parquetjsWriter(pkg: string): WriterImpl {
  return {
    how: 'ParquetWriter.openFile, one row object per appendRow, data page V1',
    incremental: 'yes',
    slow: true,
    setup: () => parquetjsSetup(pkg),
    write: (m, p, t, rg) => parquetjsWrite(m as ParquetjsModule, p, t, rg),
  };
}

// --- DuckDB -----------------------------------------------------------------------------------

type DuckMode = 'appender-rows' | 'appender-chunks' | 'table-function' | 'table-function-parts';
type Duck = typeof import('@duckdb/node-api');
interface DuckContext {
  duck: Duck;
  instance: InstanceType<Duck['DuckDBInstance']>;
  con: Awaited<ReturnType<InstanceType<Duck['DuckDBInstance']>['connect']>>;
  /** What the registered table function reads: rows [next, end) of `t`. */
  source: { t?: Table; next: number; end: number };
}

const DUCK_SQL: Record<ColType, string> = {
  string: 'VARCHAR',
  json: 'VARCHAR',
  int64: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMPTZ',
};

/**
 * Untimed: a worker opens its DuckDB instance once, not once per file. `onDisk` stages into a
 * database file with a memory limit, so a table larger than memory spills instead of growing RSS.
 */
async function duckdbSetup(onDisk = false): Promise<DuckContext> {
  const duck = await import('@duckdb/node-api');
  let path = ':memory:';
  if (onDisk) {
    path = join(tmpdir(), `loadout-bench-${process.pid}.duckdb`);
    rmSync(path, { force: true });
    process.on('exit', () => {
      rmSync(path, { force: true });
      rmSync(`${path}.wal`, { force: true });
    });
  }
  const instance = await duck.DuckDBInstance.create(path, {
    threads: '1',
    ...(onDisk ? { memory_limit: '256MB' } : {}),
  });
  const con = await instance.connect();
  await con.run(`SET TimeZone = 'UTC'`);
  const source: DuckContext['source'] = { next: 0, end: 0 };
  const ctx: DuckContext = { duck, instance, con, source };
  con.registerTableFunction(
    duck.DuckDBTableFunction.create({
      name: 'bench_rows',
      bindFunction: (info) => {
        for (const c of source.t!.columns) info.addResultColumn(c.name, duckTypes(duck, [c])[0]!);
        info.setCardinality(source.end - source.next, true);
      },
      initFunction: (info) => info.setMaxThreads(1),
      mainFunction: (_info, out) => {
        const count = Math.min(2048, source.end - source.next);
        out.rowCount = count;
        if (count > 0) {
          fillChunk(ctx, out, source.t!, source.next, count);
          source.next += count;
        }
      },
    }),
  );
  return ctx;
}

function duckTypes(duck: Duck, cols: Col[]): DuckDBType[] {
  const byType = {
    string: duck.VARCHAR,
    json: duck.VARCHAR,
    int64: duck.BIGINT,
    double: duck.DOUBLE,
    boolean: duck.BOOLEAN,
    timestamp: duck.TIMESTAMPTZ,
  };
  return cols.map((c) => byType[c.type]);
}

/** Fills `chunk` with rows [start, start + count) of `t`, converting as each vector wants. */
function fillChunk(
  ctx: DuckContext,
  chunk: InstanceType<Duck['DuckDBDataChunk']>,
  t: Table,
  start: number,
  count: number,
): void {
  const { DuckDBTimestampTZValue } = ctx.duck;
  for (let i = 0; i < t.columns.length; i++) {
    const v = t.values[i]!;
    const vector = chunk.getColumnVector(i) as { setItem(i: number, v: unknown): void; flush(): void };
    switch (t.columns[i]!.type) {
      case 'int64':
        for (let r = 0; r < count; r++) vector.setItem(r, BigInt(v[start + r] as number));
        break;
      case 'timestamp':
        for (let r = 0; r < count; r++) vector.setItem(r, new DuckDBTimestampTZValue(BigInt(v[start + r] as number)));
        break;
      default:
        for (let r = 0; r < count; r++) vector.setItem(r, v[start + r]);
    }
    vector.flush();
  }
}

const quoted = (p: string): string => `'${p.replaceAll("'", "''")}'`;

async function duckdbWrite(ctx: DuckContext, path: string, t: Table, rowGroup: number, mode: DuckMode): Promise<void> {
  const { duck, con, source } = ctx;
  const copyOptions = `(FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE ${rowGroup})`;
  if (mode === 'table-function') {
    // DuckDB pulls 2048-row chunks from JS while it encodes: nothing is staged in a table.
    Object.assign(source, { t, next: 0, end: t.rows });
    await con.run(`COPY (SELECT * FROM bench_rows()) TO ${quoted(path)} ${copyOptions}`);
    return;
  }
  if (mode === 'table-function-parts') {
    // Push-compatible: one COPY, so one file, per row group as TableBuffer would hand it over.
    mkdirSync(path, { recursive: true });
    for (let start = 0, part = 0; start < t.rows; start += rowGroup, part++) {
      Object.assign(source, { t, next: start, end: Math.min(t.rows, start + rowGroup) });
      await con.run(
        `COPY (SELECT * FROM bench_rows()) TO ${quoted(join(path, `part-${String(part).padStart(5, '0')}.parquet`))} ${copyOptions}`,
      );
    }
    return;
  }
  const cols = t.columns.map((c) => `"${c.name}" ${DUCK_SQL[c.type]}${c.nullable ? '' : ' NOT NULL'}`).join(', ');
  await con.run(`CREATE OR REPLACE TABLE staged (${cols})`);
  const appender = await con.createAppender('staged');
  if (mode === 'appender-chunks') {
    const chunk = duck.DuckDBDataChunk.create(duckTypes(duck, t.columns));
    for (let start = 0; start < t.rows; start += 2048) {
      const count = Math.min(2048, t.rows - start);
      chunk.reset();
      chunk.rowCount = count;
      fillChunk(ctx, chunk, t, start, count);
      appender.appendDataChunk(chunk);
      if ((start + count) % rowGroup < 2048) await yieldToLoop();
    }
  } else {
    const { DuckDBTimestampTZValue } = duck;
    const kinds = t.columns.map((c) => c.type);
    for (let r = 0; r < t.rows; r++) {
      for (let i = 0; i < kinds.length; i++) {
        const v = t.values[i]![r];
        if (v === null) {
          appender.appendNull();
          continue;
        }
        switch (kinds[i]) {
          case 'int64':
            appender.appendBigInt(BigInt(v as number));
            break;
          case 'timestamp':
            appender.appendTimestampTZ(new DuckDBTimestampTZValue(BigInt(v as number)));
            break;
          case 'double':
            appender.appendDouble(v as number);
            break;
          case 'boolean':
            appender.appendBoolean(v as boolean);
            break;
          default:
            appender.appendVarchar(v as string);
        }
      }
      appender.endRow();
      if ((r + 1) % rowGroup === 0) await yieldToLoop();
    }
  }
  appender.closeSync();
  await con.run(`COPY staged TO ${quoted(path)} ${copyOptions}`);
  await con.run('DROP TABLE staged');
}

function duckWriter(mode: DuckMode, how: string, incremental: string, slow = false, onDisk = false): WriterImpl {
  return {
    how,
    incremental,
    slow,
    setup: () => duckdbSetup(onDisk),
    write: (c, p, t, rg) => duckdbWrite(c as DuckContext, p, t, rg, mode),
  };
}

// --- registry ---------------------------------------------------------------------------------

const WRITERS: Record<string, WriterImpl> = {
  'hyparquet-writer': hypWriter(
    HYP_DEFAULT,
    'ParquetWriter + fileWriter, one write() per row group; library defaults, built-in JS snappy',
  ),
  'hyparquet-writer tuned': hypWriter(
    { ...HYP_TUNED, snappy: 'builtin' },
    'as above; id PLAIN, session uuids RLE_DICTIONARY, statistics on the timestamp only; built-in JS snappy',
  ),
  'hyparquet-writer tuned + snappy': hypWriter(
    { ...HYP_TUNED, snappy: 'napi' },
    'tuned, compressors: { SNAPPY } from the `snappy` package (native, napi-rs)',
  ),
  'hyparquet-writer tuned + hysnappy': hypWriter(
    { ...HYP_TUNED, snappy: 'hysnappy' },
    'tuned, compressors: { SNAPPY } from `hysnappy` (wasm)',
  ),
  '@dsnp/parquetjs': parquetjsWriter('@dsnp/parquetjs'),
  'parquetjs-lite': parquetjsWriter('parquetjs-lite'),
  'duckdb appender rows': duckWriter(
    'appender-rows',
    'Appender, append<Type>() per value into a table, then COPY TO',
    'no: whole table in DuckDB first',
    true,
  ),
  'duckdb appender chunks': duckWriter(
    'appender-chunks',
    'Appender.appendDataChunk of 2048-row chunks into an in-memory table, then COPY TO',
    'no: whole table in DuckDB memory first',
  ),
  'duckdb appender chunks on disk': duckWriter(
    'appender-chunks',
    'as above, into a table of an on-disk database with memory_limit 256MB, then COPY TO',
    'yes via the appender, but the rows are written twice (table, then Parquet)',
    false,
    true,
  ),
  'duckdb table function': duckWriter(
    'table-function',
    'JS table function read by COPY (SELECT ...) TO; DuckDB pulls chunks',
    'streams, but pull: all rows must be at hand',
  ),
  'duckdb table function per row group': duckWriter(
    'table-function-parts',
    'as above, one COPY per row group, each into its own file',
    'yes, one file per row group',
  ),
};
/** Writers whose package is installed only for this script (`npm install --no-save`). */
const PARQUETJS_PACKAGES = ['@dsnp/parquetjs', 'parquetjs-lite'];
const resolvable = (name: string): boolean => {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
};
/** Writers that need a compressor package that may not be installed: skipped when it cannot be loaded. */
const OPTIONAL_WRITERS = new Set(['hyparquet-writer tuned + snappy', 'hyparquet-writer tuned + hysnappy']);

/** `--ablation`: hyparquet-writer options, one at a time from the defaults, then combined. */
const ABLATION: Record<string, HypOptions> = {
  defaults: HYP_DEFAULT,
  'statistics: timestamp only': { ...HYP_DEFAULT, stats: 'timestamp' },
  'statistics: none': { ...HYP_DEFAULT, stats: 'none' },
  'id PLAIN': { ...HYP_DEFAULT, idPlain: true },
  'session uuids RLE_DICTIONARY': { ...HYP_DEFAULT, forceDictionary: ['gsess', 'psess'] },
  'no dictionary anywhere': { ...HYP_DEFAULT, noDictionary: true },
  'timestamps as BigInt64Array': { ...HYP_DEFAULT, timestampBigInt: true },
  'int64 as bigint[]': { ...HYP_DEFAULT, int64Array: true },
  'snappy (native)': { ...HYP_DEFAULT, snappy: 'napi' },
  'hysnappy (wasm)': { ...HYP_DEFAULT, snappy: 'hysnappy' },
  'tuned (id PLAIN + session dictionary + timestamp-only statistics)': { ...HYP_TUNED, snappy: 'builtin' },
  'tuned + snappy (native)': { ...HYP_TUNED, snappy: 'napi' },
  'tuned + hysnappy (wasm)': { ...HYP_TUNED, snappy: 'hysnappy' },
};
for (const [name, h] of Object.entries(ABLATION)) WRITERS[`ablation: ${name}`] = hypWriter(h, name);

// ---------------------------------------------------------------------------------------------
// Child: the timed writes of one writer on one shape
// ---------------------------------------------------------------------------------------------

interface RunResult {
  /** Wall-clock time of the write. */
  ms: number;
  /** CPU time of the whole process (all threads: JS, GC helpers, DuckDB's) during the write. */
  cpuMs: number;
  /** CPU time other processes on the machine used during the write, in cores (0 = idle machine). */
  othersCores: number;
  bytes: number;
  rssBeforeMiB: number;
  /** Peak RSS during the write (the high-water mark was reset just before it). */
  peakRssMiB: number;
  /** False where /proc/self/clear_refs is unavailable: the peak then includes data generation. */
  peakReset: boolean;
  /** Longest the event loop was kept from running other work (timers, heartbeats) during the write. */
  loopBlockedMaxMs: number;
}

/** Busy CPU time of the whole machine so far, in ms, from /proc/stat. */
function machineBusyMs(): number {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f;
    return ((user + nice + system + irq + softirq + steal) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

function sizeOf(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((n, f) => n + statSync(join(path, f)).size, 0);
}

const TICK_MS = 5;
/** Lets timers (a Temporal heartbeat, say) run between row groups, as the pipeline's async flow would. */
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A run during which other processes kept more than this many cores busy counts as disturbed. */
const QUIET_CORES = 0.25;

async function child(o: Options, writer: string, shape: ShapeName, out: string): Promise<void> {
  const impl = WRITERS[writer];
  if (!impl) throw new Error(`unknown writer ${writer}`);
  const t0Setup = performance.now();
  const ctx = await impl.setup(o);
  const setupMs = performance.now() - t0Setup;
  const t = generate(shape, o.rows);
  const gc = (globalThis as { gc?: () => void }).gc;
  const runs: RunResult[] = [];
  let discarded = 0;
  const once = async (): Promise<RunResult> => {
    rmSync(out, { force: true, recursive: true });
    gc?.();
    gc?.();
    let peakReset = true;
    try {
      writeFileSync('/proc/self/clear_refs', '5');
    } catch {
      peakReset = false;
    } // resets the peak RSS
    const rssBefore = process.memoryUsage().rss;
    // Event-loop stall: the longest gap between ticks of a 5 ms timer (what a heartbeat would see).
    let lastTick = performance.now(),
      longestGap = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - lastTick);
      lastTick = now;
    }, TICK_MS);
    const busy0 = machineBusyMs();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await impl.write(ctx, out, t, o.rowGroup);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const busy = machineBusyMs() - busy0;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    await new Promise((resolve) => setTimeout(resolve, TICK_MS + 1)); // let the ticker see the tail
    clearInterval(ticker);
    return {
      ms,
      cpuMs,
      othersCores: Math.max(0, (busy - cpuMs) / ms),
      bytes: sizeOf(out),
      rssBeforeMiB: rssBefore / 2 ** 20,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      peakReset,
      loopBlockedMaxMs: Math.max(0, longestGap - TICK_MS),
    };
  };
  let firstPeakDeltaMiB: number | undefined;
  for (let run = 0; run < o.runs; run++) {
    // On a shared machine: repeat a run that other processes disturbed, keep the least disturbed.
    let best = await once();
    // Memory is judged on the first write in a fresh process: later ones can reuse what it kept
    // (DuckDB's buffer pool, V8's grown heap) and look smaller than a worker's first file would.
    firstPeakDeltaMiB ??= best.peakRssMiB - best.rssBeforeMiB;
    for (let retry = 0; retry < o.quietRetries && best.othersCores > QUIET_CORES; retry++) {
      const again = await once();
      discarded++;
      if (again.othersCores < best.othersCores) best = again;
    }
    runs.push(best);
  }
  process.stdout.write(`${JSON.stringify({ setupMs, runs, discarded, firstPeakDeltaMiB })}\n`);
}

// ---------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------

interface Verification {
  ok: boolean;
  problems: string[];
  notes: string[];
  describe: Record<string, string>;
  physical: Record<string, string>;
  rowGroups: number;
  pageKinds: string[];
  encodings: string[];
  contentHash: string;
  pyarrow?: string;
}

type Meta = Awaited<ReturnType<(typeof import('hyparquet'))['parquetMetadataAsync']>>;
interface Logical {
  type: string;
  unit?: string;
  isAdjustedToUTC?: boolean;
}

async function verify(path: string, t: Table, exp: Expected, pyarrow: string | undefined): Promise<Verification> {
  const problems: string[] = [];
  const notes: string[] = [];
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .sort()
        .map((f) => join(path, f))
    : [path];
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const con = await instance.connect();
  await con.run(`SET TimeZone = 'UTC'`);
  const f = `read_parquet([${files.map(quoted).join(', ')}])`;
  const rowsOf = async (sql: string): Promise<Record<string, unknown>[]> => (await con.run(sql)).getRowObjectsJS();
  const one = async (sql: string): Promise<Record<string, unknown>> => (await rowsOf(sql))[0]!;

  const describe: Record<string, string> = {};
  for (const row of await rowsOf(`DESCRIBE SELECT * FROM ${f}`))
    describe[String(row.column_name)] = String(row.column_type);
  const wantDuck: Record<ColType, string[]> = {
    string: ['VARCHAR'],
    json: ['VARCHAR', 'JSON'],
    int64: ['BIGINT'],
    double: ['DOUBLE'],
    boolean: ['BOOLEAN'],
    timestamp: ['TIMESTAMP WITH TIME ZONE', 'TIMESTAMP'],
  };
  for (const c of t.columns) {
    const got = describe[c.name];
    if (!got || !wantDuck[c.type].includes(got)) problems.push(`DuckDB reads ${c.name} as ${got ?? 'nothing'}`);
    if (c.type === 'timestamp' && got === 'TIMESTAMP')
      notes.push(
        `DuckDB reads ${c.name} as TIMESTAMP (no time zone): no logical type with isAdjustedToUTC in the file`,
      );
  }

  const check = (what: string, got: unknown, want: unknown): void => {
    if (String(got) !== String(want)) problems.push(`${what}: got ${String(got)}, want ${String(want)}`);
  };
  const base = await one(
    `SELECT count(*) AS n, count(DISTINCT id) AS ids, epoch_us(min(date)) AS lo, epoch_us(max(date)) AS hi FROM ${f}`,
  );
  check('count(*)', base.n, exp.rows);
  check('count(DISTINCT id)', base.ids, exp.distinctIds);
  check('min(date) µs', base.lo, exp.minDateMicros);
  check('max(date) µs', base.hi, exp.maxDateMicros);
  let hashCols: string;
  if (t.shape === 'damage_dealt') {
    const d = await one(
      `SELECT sum(amount) AS amount, sum(eid) AS eid, count(*) FILTER (WHERE critical) AS crit, count(DISTINCT weapon) AS weapons FROM ${f}`,
    );
    const got = Number(d.amount),
      want = exp.sumAmount!;
    if (Math.abs(got - want) > Math.abs(want) * 1e-12) problems.push(`sum(amount): got ${got}, want ${want}`);
    check('sum(eid)', d.eid, exp.sumEid);
    check('count(critical)', d.crit, exp.criticals);
    check('count(DISTINCT weapon)', d.weapons, exp.distinctWeapons);
    hashCols = 'id, epoch_us(date), gsess, psess, eid, weapon, amount, critical';
  } else {
    const d = await one(`SELECT count(perks) AS perks, sum(length(items)) AS len FROM ${f}`);
    check('count(perks)', d.perks, exp.perksNonNull);
    check('sum(length(items))', d.len, exp.sumItemsLength);
    hashCols = `id, epoch_us(date), psess, items, coalesce(perks, '<null>')`;
  }
  // Same rows, same values, whatever the writer: compared across writers by the parent.
  const h = await one(`SELECT bit_xor(hash(${hashCols})) AS h FROM ${f}`);
  con.closeSync();
  instance.closeSync();

  // The footer, as Redshift, DuckDB and pyarrow go by it.
  const { parquetMetadataAsync, asyncBufferFromFile } = await import('hyparquet');
  const { parquetHeader } = await import('hyparquet/src/column.js');
  const codecs = new Set<string>(),
    pageKinds = new Set<string>(),
    encodings = new Set<string>();
  let rowGroups = 0;
  let meta: Meta | undefined;
  for (const file of files) {
    const buffer = await asyncBufferFromFile(file);
    const m = await parquetMetadataAsync(buffer);
    meta ??= m;
    rowGroups += m.row_groups.length;
    for (const rg of m.row_groups) {
      for (const cc of rg.columns) {
        codecs.add(cc.meta_data!.codec);
        cc.meta_data!.encodings.forEach((e) => encodings.add(e));
      }
    }
    // Page kinds: walk every page header of the first row group.
    for (const cc of m.row_groups[0]?.columns ?? []) {
      const md = cc.meta_data!;
      const start = Number(md.dictionary_page_offset ?? md.data_page_offset);
      const bytes = await buffer.slice(start, start + Number(md.total_compressed_size));
      const reader = { view: new DataView(bytes), offset: 0 };
      while (reader.offset < bytes.byteLength) {
        const header = parquetHeader(reader);
        pageKinds.add(header.type);
        reader.offset += header.compressed_page_size;
      }
    }
  }
  const physical: Record<string, string> = {};
  for (const c of t.columns) {
    const el = meta!.schema.find((e) => e.name === c.name);
    if (!el) {
      problems.push(`no ${c.name} in the footer`);
      continue;
    }
    const lt = el.logical_type as Logical | undefined;
    const logical = lt ? (lt.type === 'TIMESTAMP' ? `TIMESTAMP(${lt.unit}, UTC=${lt.isAdjustedToUTC})` : lt.type) : '';
    const p = [el.repetition_type, el.type, el.converted_type, logical].filter(Boolean).join(' ');
    physical[c.name] = p;
    if (c.type === 'timestamp') {
      if (el.type === 'INT96') problems.push(`${c.name} is INT96`);
      const unitOk =
        el.converted_type === 'TIMESTAMP_MICROS' ||
        el.converted_type === 'TIMESTAMP_MILLIS' ||
        (lt?.type === 'TIMESTAMP' && (lt.unit === 'MICROS' || lt.unit === 'MILLIS'));
      if (el.type !== 'INT64' || !unitOk) problems.push(`${c.name} is ${p}, not INT64 TIMESTAMP MICROS/MILLIS`);
      if (lt?.type === 'TIMESTAMP' && lt.isAdjustedToUTC === false) problems.push(`${c.name}: isAdjustedToUTC=false`);
      if (el.converted_type === 'TIMESTAMP_MILLIS' || lt?.unit === 'MILLIS')
        notes.push(`${c.name}: millisecond precision`);
    } else if (c.type === 'string' || c.type === 'json') {
      if (el.type !== 'BYTE_ARRAY' || (el.converted_type !== 'UTF8' && lt?.type !== 'STRING'))
        problems.push(`${c.name} is ${p}, not UTF8`);
    } else if (c.type === 'int64') {
      if (el.type !== 'INT64' || (el.converted_type && el.converted_type !== 'INT_64'))
        problems.push(`${c.name} is ${p}, not INT64`);
    } else if (c.type === 'double' && el.type !== 'DOUBLE') problems.push(`${c.name} is ${p}, not DOUBLE`);
    else if (c.type === 'boolean' && el.type !== 'BOOLEAN') problems.push(`${c.name} is ${p}, not BOOLEAN`);
    if (c.nullable && el.repetition_type === 'REQUIRED') problems.push(`${c.name} is REQUIRED but holds nulls`);
  }
  if (
    t.columns.some((c) => !c.nullable && meta!.schema.find((e) => e.name === c.name)?.repetition_type === 'OPTIONAL')
  ) {
    notes.push('never-null columns written OPTIONAL');
  }
  if ([...codecs].some((c) => c !== 'SNAPPY')) problems.push(`codecs: ${[...codecs].join(', ')}`);
  if (files.length > 1) notes.push(`${files.length} files`);

  let pyarrowResult: string | undefined;
  if (pyarrow) {
    const py = [
      'import sys, pyarrow.parquet as pq',
      't = pq.read_table(sys.argv[1:]) if len(sys.argv) == 2 else pq.ParquetDataset(sys.argv[1:]).read()',
      'print(t.num_rows, "|", ", ".join(f"{f.name}:{f.type}" for f in t.schema))',
    ].join('\n');
    const r = spawnSync(pyarrow, ['-c', py, ...files], { encoding: 'utf8' });
    if (r.status !== 0) {
      pyarrowResult = `FAILED: ${r.stderr.trim().split('\n').pop()}`;
      problems.push(`pyarrow: ${pyarrowResult}`);
    } else {
      pyarrowResult = r.stdout.trim();
      if (!pyarrowResult.startsWith(`${exp.rows} |`)) problems.push(`pyarrow rows: ${pyarrowResult}`);
    }
  }
  return {
    ok: problems.length === 0,
    problems,
    notes,
    describe,
    physical,
    rowGroups,
    pageKinds: [...pageKinds].sort(),
    encodings: [...encodings].sort(),
    contentHash: String(h.h),
    pyarrow: pyarrowResult,
  };
}

// ---------------------------------------------------------------------------------------------
// Parent
// ---------------------------------------------------------------------------------------------

interface Options {
  rows: number;
  runs: number;
  json: boolean;
  writers: string[];
  shapes: ShapeName[];
  slowRows: number;
  rowGroup: number;
  outDir: string;
  keep: boolean;
  pyarrow: string | undefined;
  modules: string | undefined;
  ablation: boolean;
  /** Extra attempts for a run disturbed by other processes (others' load > QUIET_CORES). */
  quietRetries: number;
}

function parseArgs(argv: string[]): Options & { child?: { writer: string; shape: ShapeName; out: string } } {
  const get = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const int = (flag: string, dflt: number): number => {
    const v = get(flag);
    if (v === undefined) return dflt;
    const n = Number(v.replaceAll('_', ''));
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} wants a positive integer, got ${v}`);
    return n;
  };
  const ablation = argv.includes('--ablation');
  const named = get('--writers')
    ?.split(',')
    .map((w) => w.trim());
  const writers = named ?? Object.keys(WRITERS).filter((w) => w.startsWith('ablation: ') === ablation);
  for (const w of writers)
    if (!WRITERS[w]) throw new Error(`unknown writer ${w}; known: ${Object.keys(WRITERS).join(', ')}`);
  const shapes = (get('--shapes')?.split(',') ?? SHAPE_NAMES) as ShapeName[];
  for (const s of shapes) if (!SHAPES[s]) throw new Error(`unknown shape ${s}`);
  const opts: Options & { child?: { writer: string; shape: ShapeName; out: string } } = {
    rows: int('--rows', 1_000_000),
    runs: int('--runs', 3),
    json: argv.includes('--json'),
    writers,
    shapes,
    slowRows: int('--slow-rows', 50_000),
    rowGroup: int('--row-group', 100_000),
    outDir: get('--out-dir') ?? join(tmpdir(), 'loadout-bench-parquet'),
    keep: argv.includes('--keep'),
    pyarrow: get('--pyarrow'),
    modules: get('--modules'),
    ablation,
    quietRetries: get('--quiet-retries') === '0' ? 0 : int('--quiet-retries', 0),
  };
  if (argv.includes('--child'))
    opts.child = { writer: get('--child')!, shape: get('--shape') as ShapeName, out: get('--out')! };
  return opts;
}

interface Measured {
  writer: string;
  shape: ShapeName;
  how: string;
  incremental: string;
  rowsMeasured: number;
  /** Rows the figures are reported for; time and size are scaled linearly when rowsMeasured is smaller. */
  rowsReported: number;
  scaled: boolean;
  runs: RunResult[];
  setupMs: number;
  medianMs: number;
  medianCpuMs: number;
  /** Medians scaled to rowsReported. */
  reportedMs: number;
  reportedCpuMs: number;
  rowsPerSec: number;
  bytes: number;
  reportedBytes: number;
  rssBaselineMiB: number;
  /** Peak-RSS rise over the baseline during the first write in the child process. */
  peakRssDeltaMiB: number;
  /** Largest peak-RSS rise over the baseline among the kept runs. */
  peakRssDeltaMaxMiB: number;
  /** Largest CPU load other processes put on the machine during a run, in cores. */
  othersCoresMax: number;
  /** Longest event-loop stall of a run, median over the runs, ms. */
  loopBlockedMaxMs: number;
  verification: Verification;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function versions(): Record<string, string> {
  const here = fileURLToPath(new URL('..', import.meta.url));
  const v: Record<string, string> = { node: process.version };
  for (const p of [
    'hyparquet-writer',
    'hyparquet',
    '@dsnp/parquetjs',
    'parquetjs-lite',
    '@duckdb/node-api',
    '@duckdb/node-bindings',
  ]) {
    try {
      v[p] = (
        JSON.parse(readFileSync(join(here, 'node_modules', p, 'package.json'), 'utf8')) as { version: string }
      ).version;
    } catch {
      v[p] = 'not installed';
    }
  }
  return v;
}

function machine(): Record<string, string | number> {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) model = m[1]!;
  } catch {
    /* not Linux */
  }
  const nproc = spawnSync('nproc', { encoding: 'utf8' }).stdout?.trim();
  return { nproc: nproc ? Number(nproc) : cpus().length, cpu: model, memGiB: Math.round(totalmem() / 2 ** 30) };
}

async function parent(o: Options): Promise<void> {
  mkdirSync(o.outDir, { recursive: true });
  const script = fileURLToPath(import.meta.url);
  const results: Measured[] = [];
  const skipped: Record<string, string> = {};
  const log = (s: string): void => {
    process.stderr.write(`${s}\n`);
  };
  const started = performance.now();
  const extra: Record<string, string> = {};
  if (o.pyarrow) {
    const r = spawnSync(o.pyarrow, ['-c', 'import pyarrow; print(pyarrow.__version__)'], { encoding: 'utf8' });
    extra.pyarrow = r.status === 0 ? r.stdout.trim() : `unavailable (${r.stderr.trim().split('\n').pop()})`;
  }
  // Writers that need an optional package run only where it can be loaded.
  const writers: string[] = [];
  for (const w of o.writers) {
    const needs = w.includes('hysnappy') ? 'hysnappy' : /snappy \(native\)|\+ snappy$/.test(w) ? 'snappy' : undefined;
    if (needs) {
      try {
        await optionalModule(needs, o);
        const roots = [
          ...(o.modules ? [join(o.modules, '..', 'package.json')] : []),
          fileURLToPath(new URL('../package.json', import.meta.url)),
        ];
        for (const root of roots) {
          try {
            const pkg = createRequire(root).resolve(`${needs}/package.json`);
            extra[needs] = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
            break;
          } catch {
            /* next */
          }
        }
      } catch (err) {
        skipped[w] = (err as Error).message;
        if (!OPTIONAL_WRITERS.has(w) && !w.startsWith('ablation: ')) throw err;
        continue;
      }
    }
    writers.push(w);
  }
  for (const [w, why] of Object.entries(skipped)) log(`skipping ${w}: ${why}`);
  const missing = PARQUETJS_PACKAGES.filter((p) => writers.includes(p) && !resolvable(p));
  if (missing.length > 0) {
    log(
      `not installed: ${missing.join(', ')} (not dependencies of Loadout). Run\n` +
        `  npm install --no-save ${PARQUETJS_PACKAGES.join(' ')}\n` +
        `first, or leave them out with --writers.`,
    );
    process.exit(1);
  }

  for (const shape of o.shapes) {
    const expectedByRows = new Map<number, { t: Table; e: Expected }>();
    const expected = (rows: number): { t: Table; e: Expected } => {
      let x = expectedByRows.get(rows);
      if (!x) {
        const t = generate(shape, rows);
        x = { t, e: expectedOf(t) };
        expectedByRows.set(rows, x);
      }
      return x;
    };
    for (const writer of writers) {
      const impl = WRITERS[writer]!;
      const rows = impl.slow ? Math.min(o.rows, o.slowRows) : o.rows;
      const out = join(o.outDir, `${shape}.${writer.replace(/[^a-z0-9-]+/gi, '_')}.parquet`);
      const r = spawnSync(
        process.execPath,
        [
          ...process.execArgv,
          '--expose-gc',
          script,
          '--child',
          writer,
          '--shape',
          shape,
          '--rows',
          String(rows),
          '--runs',
          String(o.runs),
          '--row-group',
          String(o.rowGroup),
          '--out',
          out,
          '--quiet-retries',
          String(o.quietRetries),
          ...(o.modules ? ['--modules', o.modules] : []),
        ],
        { encoding: 'utf8', maxBuffer: 1 << 26 },
      );
      if (r.status !== 0) throw new Error(`${writer} on ${shape} failed:\n${r.stderr}`);
      const { setupMs, runs, discarded, firstPeakDeltaMiB } = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
        setupMs: number;
        runs: RunResult[];
        discarded: number;
        firstPeakDeltaMiB: number;
      };
      log(`${shape} ${writer} (${rows} rows): ${runs.map((x) => `${x.ms.toFixed(0)} ms`).join(', ')}`);
      const { t, e } = expected(rows);
      const verification = await verify(out, t, e, o.pyarrow);
      if (!o.keep) rmSync(out, { force: true, recursive: true });
      const scale = o.rows / rows;
      const med = median(runs.map((x) => x.ms));
      const medCpu = median(runs.map((x) => x.cpuMs));
      const sizes = new Set(runs.map((x) => x.bytes));
      if (sizes.size > 1) verification.notes.push(`file size differed between runs: ${[...sizes].join(', ')}`);
      if (runs.some((x) => !x.peakReset))
        verification.notes.push('peak RSS could not be reset: includes data generation');
      if (discarded) verification.notes.push(`${discarded} disturbed run(s) repeated`);
      results.push({
        writer,
        shape,
        how: impl.how,
        incremental: impl.incremental,
        rowsMeasured: rows,
        rowsReported: o.rows,
        scaled: rows !== o.rows,
        runs,
        setupMs: Math.round(setupMs),
        medianMs: Math.round(med),
        medianCpuMs: Math.round(medCpu),
        reportedMs: Math.round(med * scale),
        reportedCpuMs: Math.round(medCpu * scale),
        rowsPerSec: Math.round(rows / (med / 1000)),
        bytes: runs[0]!.bytes,
        reportedBytes: Math.round(runs[0]!.bytes * scale),
        rssBaselineMiB: Math.round(median(runs.map((x) => x.rssBeforeMiB))),
        peakRssDeltaMiB: Math.round(firstPeakDeltaMiB),
        peakRssDeltaMaxMiB: Math.round(Math.max(...runs.map((x) => x.peakRssMiB - x.rssBeforeMiB))),
        othersCoresMax: Math.round(Math.max(...runs.map((x) => x.othersCores)) * 100) / 100,
        loopBlockedMaxMs: Math.round(median(runs.map((x) => x.loopBlockedMaxMs ?? NaN))),
        verification,
      });
    }
    // The same rows must come back from every writer (compared among writers measured on the same rows).
    const byRows = new Map<number, Measured[]>();
    for (const m of results.filter((x) => x.shape === shape))
      byRows.set(m.rowsMeasured, [...(byRows.get(m.rowsMeasured) ?? []), m]);
    for (const group of byRows.values()) {
      const expectedHash = (() => {
        const counts = new Map<string, number>();
        for (const m of group)
          counts.set(m.verification.contentHash, (counts.get(m.verification.contentHash) ?? 0) + 1);
        return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
      })();
      for (const m of group) {
        if (group.length > 1 && m.verification.contentHash !== expectedHash) {
          m.verification.ok = false;
          m.verification.problems.push('content hash differs from the other writers');
        }
      }
    }
  }
  const report = {
    machine: machine(),
    versions: { ...versions(), ...extra },
    options: { rows: o.rows, runs: o.runs, rowGroup: o.rowGroup, slowRows: o.slowRows },
    totalSeconds: Math.round((performance.now() - started) / 1000),
    skipped,
    results,
  };
  process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : markdown(report));
}

const fmtS = (ms: number): string => (ms / 1000).toFixed(2);
const fmtMiB = (b: number): string => (b / 2 ** 20).toFixed(1);

function markdown(r: {
  machine: Record<string, string | number>;
  versions: Record<string, string>;
  options: { rows: number; runs: number; rowGroup: number; slowRows: number };
  totalSeconds: number;
  skipped: Record<string, string>;
  results: Measured[];
}): string {
  const L: string[] = [];
  L.push(
    `Machine: ${r.machine.nproc} cores (${r.machine.cpu}), ${r.machine.memGiB} GiB. ${Object.entries(r.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
  );
  L.push(
    `${r.options.rows.toLocaleString('en-US')} rows per shape, row groups of ${r.options.rowGroup.toLocaleString('en-US')}, SNAPPY; median of ${r.options.runs} runs in one child process per writer and shape; total ${r.totalSeconds} s.`,
  );
  for (const [w, why] of Object.entries(r.skipped)) L.push(`Skipped ${w}: ${why}.`);
  for (const shape of new Set(r.results.map((x) => x.shape))) {
    L.push('', `#### ${shape}`, '');
    L.push(
      "| writer | wall (median) | CPU (median) | runs, wall ms | rows/s | size | peak RSS Δ, 1st write | longest event-loop stall | others' load | pages | check |",
    );
    L.push('|---|---:|---:|---|---:|---:|---:|---:|---:|---|---|');
    for (const m of r.results.filter((x) => x.shape === shape)) {
      const v = m.verification;
      const sc = m.scaled ? '\\*' : '';
      const check = v.ok ? 'OK' : `**FAIL**: ${v.problems.join('; ')}`;
      L.push(
        `| ${m.writer}${sc} | ${fmtS(m.reportedMs)} s | ${fmtS(m.reportedCpuMs)} s | ${m.runs.map((x) => x.ms.toFixed(0)).join(', ')} | ${m.rowsPerSec.toLocaleString('en-US')} | ${fmtMiB(m.reportedBytes)} MiB | ${m.peakRssDeltaMiB} MiB | ${Number.isFinite(m.loopBlockedMaxMs) ? `${m.loopBlockedMaxMs} ms` : '-'} | ${m.othersCoresMax.toFixed(2)} | ${v.pageKinds.filter((k) => k !== 'DICTIONARY_PAGE').join(', ')} | ${check} |`,
      );
    }
    const scaled = r.results.filter((x) => x.shape === shape && x.scaled);
    if (scaled.length) {
      L.push(
        '',
        `\\* measured on ${scaled[0]!.rowsMeasured.toLocaleString('en-US')} rows; wall, CPU and size scaled ×${scaled[0]!.rowsReported / scaled[0]!.rowsMeasured}, runs and rows/s as measured; peak RSS as measured.`,
      );
    }
    L.push('', 'What each file holds:', '');
    for (const m of r.results.filter((x) => x.shape === shape)) {
      const v = m.verification;
      L.push(
        `- **${m.writer}** (${m.how}; incremental: ${m.incremental}): ${Object.entries(v.physical)
          .map(([k, p]) => `${k} ${p}`)
          .join(
            '; ',
          )}. ${v.rowGroups} row groups; encodings ${v.encodings.join('/')}; pages ${v.pageKinds.join('/')}.${v.notes.length ? ` ${v.notes.join('; ')}.` : ''}`,
      );
      L.push(
        `  DuckDB: ${Object.entries(v.describe)
          .map(([k, d]) => `${k} ${d}`)
          .join(
            ', ',
          )}.${v.pyarrow ? ` pyarrow: ${v.pyarrow.split(' | ')[1]} (${v.pyarrow.split(' | ')[0]} rows).` : ''}`,
      );
    }
  }
  return `${L.join('\n')}\n`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const fromJson = argv.indexOf('--from-json');
  if (fromJson >= 0) {
    // Re-renders a saved `--json` report as Markdown.
    process.stdout.write(
      markdown(JSON.parse(readFileSync(argv[fromJson + 1]!, 'utf8')) as Parameters<typeof markdown>[0]),
    );
    return;
  }
  const o = parseArgs(argv);
  if (o.child) {
    await child(o, o.child.writer, o.child.shape, o.child.out);
    return;
  }
  await parent(o);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
