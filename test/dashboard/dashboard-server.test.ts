/** The dashboard's HTTP server on its own: the page and its assets, methods, host names, a taken port. */
import { createServer } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { DashboardSources } from '../../dashboard/dashboard-data';
import { DashboardPortInUseError, startDashboard, type DashboardServer } from '../../dashboard/dashboard-server';

// These requests never reach the data: the server reads its sources only for /api/kpis and /api/pipeline.
const noSources = {} as DashboardSources;
let dashboard: DashboardServer;

beforeAll(async () => {
  dashboard = await startDashboard(noSources, { port: 0, refreshSeconds: 7 });
});
afterAll(() => dashboard?.close());

test('the page, its script and style, and Chart.js from node_modules, with a policy allowing only them', async () => {
  expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  const page = await fetch(dashboard.url);
  expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(page.headers.get('content-security-policy')).toMatch(
    /default-src 'none'; script-src 'self'; style-src 'self'/,
  );
  expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  const html = await page.text();
  for (const asset of ['/chart.umd.min.js', '/dashboard.js', '/dashboard.css']) {
    expect(html).toContain(`"${asset}"`);
    const response = await fetch(new URL(asset, dashboard.url));
    expect(response.status, asset).toBe(200);
    expect((await response.text()).length, asset).toBeGreaterThan(100);
  }
  expect(await (await fetch(new URL('chart.umd.min.js', dashboard.url))).text()).toContain('Chart');
  expect(await (await fetch(new URL('api/settings', dashboard.url))).json()).toEqual({ refreshSeconds: 7 });
  // Nothing but the listed files: no path reaches the disk.
  for (const path of ['/static/index.html', '/../package.json', '/%2e%2e/package.json', '/index.html'])
    expect((await fetch(new URL(path, dashboard.url))).status, path).toBe(404);
  expect((await fetch(dashboard.url, { method: 'POST' })).status).toBe(405);
});

test('a taken port is refused naming the flag and the variable', async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const { port } = taken.address() as { port: number };
  try {
    const refused = startDashboard(noSources, { port });
    await expect(refused).rejects.toBeInstanceOf(DashboardPortInUseError);
    await expect(refused).rejects.toThrow(
      `the dashboard's port ${port} on 127.0.0.1 is in use: choose another with --port (loadout dev: --dashboard-port) or LOADOUT_DASHBOARD_PORT`,
    );
  } finally {
    await new Promise((resolve) => taken.close(resolve));
  }
});
