/** The `evolution` setting: file (one mode, or per environment), LOADOUT_EVOLUTION, --evolution; strict by default. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { loadConfig } from '../../config/load-config';

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'loadout-evolution-config-'));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

const withFile = (file: object) => writeFileSync(join(cwd, 'loadout.config.json'), JSON.stringify(file));

describe('the evolution setting', () => {
  test('strict by default', () => {
    expect(loadConfig({}, {}, cwd).evolution).toBe('strict');
  });

  test('one mode in the file; the variable beats it and the flag beats both', () => {
    withFile({ evolution: 'evolve' });
    expect(loadConfig({}, {}, cwd).evolution).toBe('evolve');
    expect(loadConfig({}, { LOADOUT_EVOLUTION: 'infer' }, cwd).evolution).toBe('infer');
    expect(loadConfig({ evolution: 'strict' }, { LOADOUT_EVOLUTION: 'infer' }, cwd).evolution).toBe('strict');
  });

  test('per environment in the file; an environment not listed is strict', () => {
    withFile({ evolution: { playtest: 'infer', production: 'evolve' } });
    expect(loadConfig({ env: 'playtest' }, {}, cwd).evolution).toBe('infer');
    expect(loadConfig({}, { LOADOUT_ENV: 'production' }, cwd).evolution).toBe('evolve');
    expect(loadConfig({ env: 'local' }, {}, cwd).evolution).toBe('strict');
  });

  test('an unknown mode is refused with the setting and where to set it', () => {
    expect(() => loadConfig({}, { LOADOUT_EVOLUTION: 'loose' }, cwd)).toThrow(
      /invalid setting evolution \(set by loadout.config.json, LOADOUT_EVOLUTION or a flag\)/,
    );
    withFile({ evolution: { playtest: 'sometimes' } });
    expect(() => loadConfig({ env: 'playtest' }, {}, cwd)).toThrow(/invalid setting evolution/);
  });
});
