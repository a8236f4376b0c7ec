/**
 * `loadout doctor`: a small load end to end in a scratch schema of the user's own warehouse, one
 * step at a time, each reported; the schema and the lake files it wrote are removed at the end,
 * whatever failed. A failing step stops the steps after it (cleanup always runs).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CopyManifest } from '../../core/manifest';
import { ParquetStageWriter } from '../../core/parquet-stage-writer';
import type { ObjectStore } from '../../stores/object/object-store';
import { planTableMigration, sameType } from '../../stores/warehouse/plan-migration';
import { RedshiftWarehouse } from '../../stores/warehouse/redshift-warehouse';
import { ident, qualified } from '../../stores/warehouse/sql/identifiers';
import { createKpiViewSql, KPI_VIEWS } from '../../stores/warehouse/sql/kpi-sql';
import type { MergePlan, Warehouse } from '../../stores/warehouse/warehouse';
import { DOCTOR_EXPECTED, DOCTOR_EXPECTED_HOURS, DOCTOR_ROWS, DOCTOR_TABLE, DOCTOR_TYPE } from './doctor-table';
import { bucketRegionCheck, copyRoleCheck } from './redshift-checks';

export interface DoctorStep {
  step: string;
  ok: boolean;
  /** What was found, or what to fix. */
  detail: string;
  ms: number;
}

export interface DoctorReport {
  warehouse: Warehouse['dialect'];
  schema: string;
  ok: boolean;
  steps: DoctorStep[];
}

export interface DoctorOptions {
  warehouse: Warehouse;
  lake: ObjectStore;
  /** The scratch schema; default `loadout_doctor_<UTC time>_<random>`. */
  schema?: string;
  /** Redshift's bucket-region check, for tests (an S3 client at a local endpoint). */
  bucketRegion?: (warehouse: RedshiftWarehouse, lakeLocation: string) => Promise<string>;
}

export function scratchSchemaName(now = new Date()): string {
  const time = now.toISOString().replace(/\D/g, '').slice(0, 14);
  return `loadout_doctor_${time}_${randomBytes(3).toString('hex')}`;
}

export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const { warehouse, lake } = options;
  const schema = options.schema ?? scratchSchemaName();
  const prefix = `doctor/${schema}`;
  const written: string[] = [];
  const steps: DoctorStep[] = [];
  let failed = false;
  const step = async (name: string, work: () => Promise<string>): Promise<void> => {
    if (failed) return;
    const started = performance.now();
    try {
      steps.push({ step: name, ok: true, detail: await work(), ms: Math.round(performance.now() - started) });
    } catch (error) {
      failed = true;
      const detail = error instanceof Error ? error.message : String(error);
      steps.push({ step: name, ok: false, detail, ms: Math.round(performance.now() - started) });
    }
  };
  const redshift = warehouse instanceof RedshiftWarehouse ? warehouse : undefined;
  const workDir = await mkdtemp(join(tmpdir(), 'loadout-doctor-'));
  let plan: MergePlan | undefined;
  try {
    await step('connect', async () => {
      const [row] = await warehouse.query('SELECT 1 AS "ok"');
      if (Number(row?.ok) !== 1) throw new Error(`SELECT 1 answered ${JSON.stringify(row)}`);
      return `${warehouse.dialect} answers`;
    });
    if (redshift) {
      await step('copy role', async () => copyRoleCheck(redshift));
      await step('bucket region', () => (options.bucketRegion ?? bucketRegionCheck)(redshift, lake.location));
    }
    await step('create schema', async () => {
      await warehouse.ensureLedger(schema);
      return `created ${schema} and its ledger (privilege to create schemas and tables)`;
    });
    await step('create table', async () => {
      const target = { schema, dialect: warehouse.dialect, types: warehouse.types };
      const migration = planTableMigration(DOCTOR_TYPE, undefined, target);
      await warehouse.runDdl(migration.changes.flatMap((c) => c.sql));
      const described = await warehouse.describeTable(schema, DOCTOR_TABLE);
      const lost = DOCTOR_TYPE.columns.filter((c) => {
        const found = described?.find((d) => d.name === c.name)?.type;
        return found === undefined || !sameType(found, c.type);
      });
      if (lost.length > 0) throw new Error(`columns that do not read back as their type: ${lost.map((c) => c.name)}`);
      return `${DOCTOR_TABLE}: ${DOCTOR_TYPE.columns.map((c) => `${c.name} ${warehouse.types[c.type]}`).join(', ')}`;
    });
    await step('stage', async () => {
      plan = await stageScratchFile(warehouse, lake, schema, prefix, workDir, written);
      return `${DOCTOR_ROWS.length} rows of every column type in ${lake.urlOf(plan.files[0]!.key)}`;
    });
    await step('copy and merge', async () => {
      const outcome = await warehouse.merge(plan!);
      if (!outcome.applied || outcome.stagedRows !== DOCTOR_EXPECTED.length)
        throw new Error(`merge answered ${JSON.stringify(outcome)}, expected ${DOCTOR_EXPECTED.length} rows applied`);
      return `${outcome.mergedRows} rows merged (a duplicate key dropped)`;
    });
    await step('type mappings', async () => {
      const rows = await warehouse.query(`SELECT * FROM ${qualified(schema, DOCTOR_TABLE)} ORDER BY "id"`);
      const wrong = differences(rows, DOCTOR_EXPECTED);
      if (wrong.length > 0) throw new Error(`values that did not survive the load: ${wrong.join('; ')}`);
      return `every value read back as staged (${DOCTOR_TYPE.columns.map((c) => c.type).join(', ')})`;
    });
    await step('ledger', async () => {
      const again = await warehouse.merge(plan!);
      if (again.applied) throw new Error('the same manifest merged twice: the ledger did not guard it');
      const entries = await warehouse.ledger(schema, DOCTOR_TABLE);
      if (entries.length !== 1) throw new Error(`${entries.length} ledger entries for one manifest`);
      return `manifest recorded once, its second merge skipped`;
    });
    await step('kpi views', async () => {
      const view = KPI_VIEWS.find((v) => v.name === 'kpi_events_per_hour')!;
      await warehouse.runDdl([createKpiViewSql(schema, view, [DOCTOR_TABLE])!]);
      const rows = await warehouse.query(`SELECT * FROM ${qualified(schema, view.name)} ORDER BY "hour"`);
      const wrong = differences(rows, DOCTOR_EXPECTED_HOURS);
      if (wrong.length > 0) throw new Error(`${view.name} (UTC hours): ${wrong.join('; ')}`);
      return `${view.name} groups by UTC hour`;
    });
  } finally {
    const started = performance.now();
    const problems: string[] = [];
    await warehouse.runDdl([`DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`]).catch((e: Error) => {
      problems.push(`drop schema ${schema}: ${e.message}`);
    });
    for (const key of written) await lake.delete(key).catch((e: Error) => problems.push(`delete ${key}: ${e.message}`));
    await rm(workDir, { recursive: true, force: true });
    steps.push({
      step: 'clean up',
      ok: problems.length === 0,
      detail: problems.length === 0 ? `dropped ${schema}, deleted ${written.length} lake files` : problems.join('; '),
      ms: Math.round(performance.now() - started),
    });
  }
  return { warehouse: warehouse.dialect, schema, ok: steps.every((s) => s.ok), steps };
}

/** Writes the scratch Parquet file and its COPY manifest to the lake; the plan that merges them. */
async function stageScratchFile(
  warehouse: Warehouse,
  lake: ObjectStore,
  schema: string,
  prefix: string,
  workDir: string,
  written: string[],
): Promise<MergePlan> {
  const writer = ParquetStageWriter.open([DOCTOR_TYPE], { workDir: join(workDir, 'work') });
  for (const row of DOCTOR_ROWS) writer.push(DOCTOR_TABLE, row);
  const { path } = writer.finish(join(workDir, 'out')).get(DOCTOR_TABLE)!;
  const bytes = (await stat(path)).size;
  const fileKey = `${prefix}/staged/${DOCTOR_TABLE}/${DOCTOR_TYPE.fingerprint}-doctor.parquet`;
  await lake.writeFile(fileKey, path);
  written.push(fileKey);
  const manifestKey = `${prefix}/manifests/${DOCTOR_TABLE}/${DOCTOR_TYPE.fingerprint}-doctor.json`;
  const manifest: CopyManifest = {
    entries: [{ url: lake.urlOf(fileKey), mandatory: true, meta: { content_length: bytes } }],
  };
  await lake.write(manifestKey, JSON.stringify(manifest));
  written.push(manifestKey);
  const columns = DOCTOR_TYPE.columns.map(({ name, type, nullable }) => ({ name, type, nullable }));
  return {
    schema,
    table: DOCTOR_TABLE,
    targetColumns: columns,
    fileColumns: columns,
    fingerprint: DOCTOR_TYPE.fingerprint,
    uniqueKey: DOCTOR_TYPE.uniqueKey,
    // Redshift reads the lake; DuckDB and PostgreSQL read the local file.
    files: [{ key: fileKey, url: warehouse.dialect === 'redshift' ? lake.urlOf(fileKey) : path, bytes }],
    manifestKey,
    manifestUrl: lake.urlOf(manifestKey),
  };
}

/** "row 1 date: got X, expected Y" for every value that differs (JSON-equal). */
function differences(rows: readonly Record<string, unknown>[], expected: readonly Record<string, unknown>[]): string[] {
  if (rows.length !== expected.length) return [`${rows.length} rows, expected ${expected.length}`];
  return expected.flatMap((want, i) =>
    Object.entries(want)
      .filter(([k, v]) => JSON.stringify(rows[i]![k]) !== JSON.stringify(v))
      .map(([k, v]) => `row ${i + 1} ${k}: got ${JSON.stringify(rows[i]![k])}, expected ${JSON.stringify(v)}`),
  );
}
