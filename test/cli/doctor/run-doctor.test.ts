/**
 * The doctor on Redshift: the adapter's statements run on a real PostgreSQL through the Data API bridge
 * (COPY as INSERTs of the staged rows), the lake on S3 (moto). Checks the COPY role and bucket region
 * steps, and that a failing one stops the load and still cleans up.
 */
import { CreateBucketCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCTOR_TABLE, DOCTOR_TYPE } from '../../../cli/doctor/doctor-table';
import { bucketRegionCheck, bucketRegionOf } from '../../../cli/doctor/redshift-checks';
import { runDoctor } from '../../../cli/doctor/run-doctor';
import { S3ObjectStore } from '../../../stores/object/s3-store';
import { RedshiftWarehouse } from '../../../stores/warehouse/redshift-warehouse';
import { motoS3Client, startMoto, type MotoServer } from '../../helpers/moto-server';
import { startPostgres, type PostgresServer } from '../../helpers/postgres-server';
import { bridge, staged } from '../../helpers/redshift-postgres-bridge';
import { redshiftParseErrors } from '../../helpers/redshift-sql-parser';

const ROLE = 'arn:aws:iam::123456789012:role/RedshiftCopy';
let server: PostgresServer;
let moto: MotoServer;
let db: pg.Client;
let s3: S3Client;

beforeAll(async () => {
  [server, moto] = await Promise.all([startPostgres(), startMoto()]);
  db = new pg.Client({ connectionString: server.url });
  await db.connect();
  s3 = motoS3Client(moto.endpoint);
  await s3.send(
    new CreateBucketCommand({ Bucket: 'lake-eu', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }),
  );
  await s3.send(new CreateBucketCommand({ Bucket: 'lake-us' }));
});

afterAll(async () => {
  await db?.end();
  await Promise.all([server?.stop(), moto?.stop()]);
});

/** Every statement the doctor's Redshift adapters sent, for the Redshift-dialect parser. */
const sent: string[][] = [];

function redshift(iamRole: string | undefined = ROLE): RedshiftWarehouse {
  const data = bridge(db);
  sent.push(data.sent);
  return new RedshiftWarehouse(
    {
      target: 'serverless',
      workgroupName: 'analytics',
      database: 'dev',
      region: 'eu-west-1',
      pollIntervalMs: 1,
      ...(iamRole ? { iamRole } : {}),
    },
    { client: data.client },
  );
}

/** What the COPY of the doctor's manifest loads (the bridge's stand-in for reading the Parquet file). */
function stageFor(lake: S3ObjectStore, schema: string): void {
  const key = `doctor/${schema}/manifests/${DOCTOR_TABLE}/${DOCTOR_TYPE.fingerprint}-doctor.json`;
  const one = ['00000000-0000-4000-8000-000000000001', '2026-01-02T03:04:05.123456Z', 'doctor é ✓'];
  const two = ['00000000-0000-4000-8000-000000000002', '2026-01-02T04:59:59.999999Z', null, null, null, null, false];
  staged.set(lake.urlOf(key), [[...one, '{"items":[1,2],"s":"ü"}', '9007199254740991', 0.5, true], two, two]);
}

async function keysIn(bucket: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (listed.Contents ?? []).map((o) => o.Key!);
}

async function schemaExists(schema: string): Promise<boolean> {
  const r = await db.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema]);
  return r.rows.length > 0;
}

describe('loadout doctor on Redshift (Data API bridge, S3 on moto)', () => {
  it('passes every step, the COPY role and bucket region included, and cleans up', async () => {
    const lake = new S3ObjectStore({ bucket: 'lake-eu', prefix: 'lake', client: s3 });
    stageFor(lake, 'loadout_doctor_rs');
    const report = await runDoctor({
      warehouse: redshift(),
      lake,
      schema: 'loadout_doctor_rs',
      bucketRegion: (w, location) => bucketRegionCheck(w, location, s3),
    });
    expect(report.steps.filter((s) => !s.ok)).toEqual([]);
    expect(report.steps.map((s) => s.step)).toEqual([
      'connect',
      'copy role',
      'bucket region',
      'create schema',
      'create table',
      'stage',
      'copy and merge',
      'type mappings',
      'ledger',
      'kpi views',
      'clean up',
    ]);
    expect(report.steps[1]!.detail).toBe(ROLE);
    expect(report.steps[2]!.detail).toBe('bucket lake-eu in eu-west-1, as the warehouse');
    expect(report.steps.find((s) => s.step === 'create table')!.detail).toContain('doc VARCHAR(65535)');
    expect(await schemaExists('loadout_doctor_rs')).toBe(false);
    expect(await keysIn('lake-eu')).toEqual([]);
  });

  it('stops at a bucket in another region, before loading anything, and still cleans up', async () => {
    const lake = new S3ObjectStore({ bucket: 'lake-us', prefix: '', client: s3 });
    const report = await runDoctor({
      warehouse: redshift(),
      lake,
      schema: 'loadout_doctor_region',
      bucketRegion: (w, location) => bucketRegionCheck(w, location, s3),
    });
    expect(report.ok).toBe(false);
    expect(report.steps.map((s) => [s.step, s.ok])).toEqual([
      ['connect', true],
      ['copy role', true],
      ['bucket region', false],
      ['clean up', true],
    ]);
    expect(report.steps[2]!.detail).toMatch(/bucket lake-us is in us-east-1 but the warehouse is in eu-west-1/);
    expect(await keysIn('lake-us')).toEqual([]);
  });

  it('stops without an iamRole for COPY, saying what to add', async () => {
    const lake = new S3ObjectStore({ bucket: 'lake-eu', prefix: 'lake', client: s3 });
    const report = await runDoctor({ warehouse: redshift(''), lake, schema: 'loadout_doctor_role' });
    expect(report.steps.map((s) => [s.step, s.ok])).toEqual([
      ['connect', true],
      ['copy role', false],
      ['clean up', true],
    ]);
    expect(report.steps[1]!.detail).toMatch(/add &iamRole=arn:aws:iam::<account>:role\/<name>/);
  });

  it('sends only statements a Redshift-dialect parser accepts', async () => {
    const all = [...new Set(sent.flat())];
    expect(all.length).toBeGreaterThan(20);
    expect(all).toContain('SELECT 1 AS "ok"');
    expect(all).toContain('DROP SCHEMA IF EXISTS "loadout_doctor_rs" CASCADE');
    const { errors } = await redshiftParseErrors(all);
    expect(errors.map((e) => `${e.error} in ${e.sql.slice(0, 200)}`)).toEqual([]);
  });

  it("reads S3's region answers", () => {
    expect(bucketRegionOf(undefined)).toBe('us-east-1');
    expect(bucketRegionOf('EU')).toBe('eu-west-1');
    expect(bucketRegionOf('ap-south-1')).toBe('ap-south-1');
  });
});
