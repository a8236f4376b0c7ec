/**
 * The dashboard in a real headless browser (Debian's chromium through puppeteer-core) on a
 * warehouse the pipeline loaded: every chart is drawn with exactly the rows `loadout report`
 * prints; failed and quarantined batches, drift and the top reject reasons show; data is text,
 * never markup; the page follows the pipeline as it changes. A screenshot is kept in test-artifacts/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { KPI_NAMES } from '../../cli/kpi-reports';
import {
  MARKUP_KEY,
  runDashboardPipeline,
  startDashboardProcess,
  type DashboardPipeline,
  type RunningDashboard,
} from '../helpers/dashboard-pipeline';
import { chartPoints, readChart, reportPoints, type ChartData, type PageGlobals } from '../helpers/dashboard-charts';
import { runLoadout } from '../helpers/loadout-cli';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const UI = 'http://temporal-ui.test:8080';
let dir: string;
let pipeline: DashboardPipeline;
let dashboard: RunningDashboard;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const reports = new Map<string, Promise<Record<string, unknown>[]>>();

/** `loadout report KPI --json` on the pipeline's warehouse, run once per KPI. */
function report(kpi: string): Promise<Record<string, unknown>[]> {
  let rows = reports.get(kpi);
  if (!rows) {
    rows = runLoadout(['report', kpi, '--json'], pipeline.env).then((r) => {
      if (r.code !== 0) throw new Error(`loadout report ${kpi}: ${r.stderr}`);
      return JSON.parse(r.stdout) as Record<string, unknown>[];
    });
    reports.set(kpi, rows);
  }
  return rows;
}

/** Debian's chromium; its absence fails the file (scripts/ensure-tools.mjs --chromium installs it). */
function chromiumPath(): string {
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('which', [name], { encoding: 'utf8' }).trim();
    } catch {
      // not this name
    }
  }
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  throw new Error('no chromium found: run node scripts/ensure-tools.mjs --chromium (Debian package chromium)');
}

beforeAll(async () => {
  const executablePath = chromiumPath();
  dir = mkdtempSync(join(tmpdir(), 'loadout-dashboard-'));
  pipeline = await runDashboardPipeline(dir);
  dashboard = await startDashboardProcess(pipeline.env, ['--temporal-ui', UI, '--refresh', '1']);
  browser = await puppeteer.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 1000 });
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  page.on('requestfailed', (request) => pageErrors.push(`${request.url()}: ${request.failure()?.errorText}`));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The page once both endpoints have been drawn after `after` (ISO time), or now. */
async function rendered(after = ''): Promise<void> {
  await page.waitForFunction(
    (since: string) => {
      const { dataset } = (globalThis as unknown as PageGlobals).document.body;
      return (dataset.kpisUpdated ?? '') > since && (dataset.pipelineUpdated ?? '') > since;
    },
    { timeout: 60_000 },
    after,
  );
}

test('every chart shows the rows loadout report prints for the same warehouse; a screenshot is kept', async () => {
  await page.goto(dashboard.url, { waitUntil: 'load' });
  await rendered();
  expect(await page.$$eval('canvas', (all) => all.map((c) => c.id).sort())).toEqual(
    ['chart-bookings', 'chart-dau', 'chart-events', 'chart-freshness', 'chart-rejects', 'chart-sessions'].sort(),
  );
  for (const kpi of KPI_NAMES) {
    const rows = await report(kpi);
    expect(rows.length, kpi).toBeGreaterThan(0);
    const chart: ChartData = await readChart(page, kpi);
    expect(chartPoints(chart), kpi).toEqual(reportPoints(rows, chart));
    expect(await page.$eval(`#note-${kpi}`, (n) => (n as unknown as { hidden: boolean }).hidden)).toBe(true);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
  expect(existsSync(join(ARTIFACTS, 'dashboard.png'))).toBe(true);
  expect(pageErrors).toEqual([]);
});

test('freshness per table, the top reject reasons and drift match loadout status and the run', async () => {
  await rendered();
  const status = await runLoadout(['status', '--json'], pipeline.env);
  const tables = (JSON.parse(status.stdout) as { tables: { table: string; lastLoadedAt?: string }[] }).tables;
  const loaded = tables.filter((t) => t.lastLoadedAt !== undefined).map((t) => t.table);
  expect(loaded.length).toBeGreaterThan(0);
  expect((await readChart(page, 'freshness')).labels).toEqual(loaded);
  const lastLoads = await page.$$eval('#freshness tbody tr', (rows) =>
    rows.map((r) => [r.children[0]!.textContent, r.children[1]!.textContent]),
  );
  expect(lastLoads).toEqual(tables.map((t) => [t.table, t.lastLoadedAt ?? 'never']));

  expect(pipeline.run.rejected).toBeGreaterThan(0);
  expect(await page.$eval('#rejects-total', (e) => e.textContent)).toBe(String(pipeline.run.rejected));
  const rejects = await readChart(page, 'rejects');
  expect(rejects.labels.length).toBeGreaterThan(0);
  // Grouped by what is wrong: the rejected values (data, maybe personal) are not shown.
  for (const label of rejects.labels) expect(label).not.toMatch(/\(got /);
  expect(await page.$$eval('#rejects tbody tr', (rows) => rows.map((r) => r.children[0]!.textContent))).toEqual(
    rejects.labels,
  );
  expect(rejects.datasets[0]!.data.reduce((a, n) => a! + n!, 0)).toBeLessThanOrEqual(pipeline.run.rejected);

  const unknown = await page.$$eval('#drift-unknown tbody tr', (rows) => rows.map((r) => r.children[0]!.textContent));
  expect(unknown.sort()).toEqual(Object.keys(pipeline.run.unknown).sort());
  expect(
    Number(
      await page.$eval(
        '#drift-attributes',
        (t) => (t as unknown as { dataset: Record<string, string> }).dataset.entries,
      ),
    ),
  ).toBeGreaterThan(0);
});

test('failed and quarantined batches with their reasons and Temporal UI links; names from data stay text', async () => {
  await rendered();
  const failed = await page.$$eval('#failed tbody tr', (rows) =>
    rows.map((r) => ({
      workflowId: r.children[0]!.textContent,
      reason: r.children[1]!.textContent,
      link: r.querySelector('a')?.getAttribute('href'),
    })),
  );
  expect(failed).toEqual([
    {
      workflowId: pipeline.failedWorkflowId,
      reason: expect.stringMatching(/^this worker's schemas \(version \w+\) differ from the replay's \(stale\)/),
      link: `${UI}/namespaces/default/workflows/${pipeline.failedWorkflowId}/${pipeline.failedRunId}/history`,
    },
  ]);
  const quarantined = await page.$$eval('#quarantined tbody tr', (rows) =>
    rows.map((r) => ({ key: r.children[0]!.textContent, kind: r.children[1]!.textContent })),
  );
  expect(quarantined).toEqual([{ key: MARKUP_KEY, kind: 'corrupt-compression' }]);
  expect(await page.$('#injected')).toBeNull();
  expect(pipeline.run.quarantined.map((q) => q.key)).toEqual([MARKUP_KEY]);
});

test('the page follows the pipeline: acknowledged failures leave it at the next refresh', async () => {
  const before = await page.evaluate(
    () => (globalThis as unknown as PageGlobals).document.body.dataset.pipelineUpdated ?? '',
  );
  const ack = await runLoadout(['status', 'ack', '--all'], pipeline.env);
  expect(ack.code, ack.stderr).toBe(0);
  await rendered(before);
  await page.waitForFunction(
    () => {
      const { document } = globalThis as unknown as PageGlobals;
      return (
        document.getElementById('failed')?.dataset.entries === '0' &&
        document.getElementById('quarantined')?.dataset.entries === '0'
      );
    },
    { timeout: 60_000 },
  );
  expect(pageErrors).toEqual([]);
});

test('the server: JSON API equal to the reports, loopback names only, security headers, no CDN', async () => {
  const kpis = (await (await fetch(new URL('api/kpis', dashboard.url))).json()) as {
    kpis: Record<string, { rows: unknown[] }>;
  };
  for (const kpi of KPI_NAMES) {
    expect(kpis.kpis[kpi]!.rows, kpi).toEqual(await report(kpi));
  }
  const pageResponse = await fetch(dashboard.url);
  expect(pageResponse.headers.get('content-security-policy')).toContain("script-src 'self'");
  expect(await pageResponse.text()).not.toMatch(/https?:\/\//);
  const chartJs = await fetch(new URL('chart.umd.min.js', dashboard.url));
  expect(chartJs.status).toBe(200);
  expect((await fetch(new URL('api/nothing', dashboard.url))).status).toBe(404);
  // A page elsewhere resolving its own name to 127.0.0.1 (DNS rebinding) is refused.
  const { port } = new URL(dashboard.url);
  const { request } = await import('node:http');
  const status = await new Promise<number>((resolve, reject) =>
    request({ host: '127.0.0.1', port, path: '/api/kpis', headers: { host: `evil.example:${port}` } }, (r) => {
      r.resume();
      resolve(r.statusCode ?? 0);
    })
      .on('error', reject)
      .end(),
  );
  expect(status).toBe(421);
});
