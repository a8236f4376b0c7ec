/** The dashboard's port as a setting: file, variable and flag, strictly validated like the others. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { DEFAULT_DASHBOARD_PORT, loadConfig } from '../../config/load-config';

const dir = mkdtempSync(join(tmpdir(), 'loadout-dashboard-port-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A project folder, with `file` as its loadout.config.json when given. */
function project(name: string, file?: unknown): string {
  const cwd = join(dir, name);
  mkdirSync(cwd, { recursive: true });
  if (file !== undefined) writeFileSync(join(cwd, 'loadout.config.json'), JSON.stringify(file));
  return cwd;
}

test('8234 by default; the file, then LOADOUT_DASHBOARD_PORT, then the flag', () => {
  expect(loadConfig({}, {}, project('none')).dashboard.port).toBe(DEFAULT_DASHBOARD_PORT);
  expect(DEFAULT_DASHBOARD_PORT).toBe(8234);
  const cwd = project('file', { dashboard: { port: 9100 } });
  expect(loadConfig({}, {}, cwd).dashboard.port).toBe(9100);
  expect(loadConfig({}, { LOADOUT_DASHBOARD_PORT: '9200' }, cwd).dashboard.port).toBe(9200);
  expect(loadConfig({ dashboardPort: '0' }, { LOADOUT_DASHBOARD_PORT: '9200' }, cwd).dashboard.port).toBe(0);
});

test('a bad port is refused naming the setting and where to set it; a misspelt key with the nearest one', () => {
  for (const bad of ['http', '70000', '-1']) {
    expect(() => loadConfig({}, { LOADOUT_DASHBOARD_PORT: bad }, project('bad'))).toThrow(
      /^invalid setting dashboard\.port \(set by loadout\.config\.json, LOADOUT_DASHBOARD_PORT or a flag\)/,
    );
  }
  expect(() => loadConfig({}, {}, project('typo', { dashboard: { prot: 1 } }))).toThrow(
    'unknown setting "dashboard.prot": did you mean "dashboard.port"?',
  );
});
