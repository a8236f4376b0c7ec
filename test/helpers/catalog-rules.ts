/**
 * The rules of event-catalog.md, for every event type, as a table: each field's rule, field by field,
 * and the row the spec expects for each valid example. Transcribed from the spec, not from schemas/.
 */
import { U } from './catalog-samples';

export const ABSENT = Symbol('absent');
export type Value = unknown;

export type Rule =
  | { kind: 'uuid' }
  | { kind: 'timestamp' }
  | { kind: 'string'; min: number; max: number; optional?: boolean }
  | { kind: 'ip' }
  | { kind: 'enum'; values: string[] }
  | { kind: 'number'; min: number; max?: number }
  /** An exact decimal: stored as units of 0.0001, rounded half-even from the number's decimal text. */
  | { kind: 'money'; min: number; max: number }
  | { kind: 'integer'; min?: number }
  | { kind: 'boolean'; whenAbsent: boolean }
  | { kind: 'currency' }
  | { kind: 'stringArrayJson' }
  | { kind: 'optionalObjectJson' }
  | { kind: 'object' };

const uuid: Rule = { kind: 'uuid' };
const ts: Rule = { kind: 'timestamp' };
const str = (min: number, max: number): Rule => ({ kind: 'string', min, max });
/** The spec's table, field by field, in column order; nested fields by dotted path. */
export const RULES: Record<string, [string, Rule][]> = {
  session_begin: [
    ['id', uuid],
    ['date', ts],
    ['psess', uuid],
    ['player_id', str(1, 64)],
    ['platform', { kind: 'enum', values: ['pc', 'ps5', 'xbox', 'switch', 'ios', 'android'] }],
    ['app_version', str(1, 32)],
    ['detailed_logging', { kind: 'boolean', whenAbsent: false }],
    ['ip', { kind: 'ip' }],
    ['device_id', { kind: 'string', min: 1, max: 128, optional: true }],
  ],
  session_end: [
    ['id', uuid],
    ['date', ts],
    ['psess', uuid],
    ['duration_s', { kind: 'number', min: 0 }],
    ['reason', { kind: 'enum', values: ['quit', 'disconnect', 'crash', 'kicked', 'timeout'] }],
  ],
  damage_dealt: [
    ['id', uuid],
    ['date', ts],
    ['gsess', uuid],
    ['psess', uuid],
    ['eid', { kind: 'integer', min: 0 }],
    ['weapon', str(1, 64)],
    ['amount', { kind: 'number', min: 0 }],
    ['critical', { kind: 'boolean', whenAbsent: false }],
  ],
  damage_taken: [
    ['gsess', uuid],
    ['hit_id', uuid],
    ['date', ts],
    ['psess', uuid],
    ['source', str(1, 64)],
    ['amount', { kind: 'number', min: 0 }],
  ],
  kiosk_weapon_offered: [
    ['id', uuid],
    ['date', ts],
    ['psess', uuid],
    ['gsess', uuid],
    ['eid', { kind: 'integer', min: 0 }],
    ['weapon', str(1, 64)],
  ],
  purchase: [
    ['id', uuid],
    ['date', ts],
    ['psess', uuid],
    ['player_id', str(1, 64)],
    ['sku', str(1, 64)],
    ['amount', { kind: 'money', min: 0, max: 1_000_000 }],
    ['currency', { kind: 'currency' }],
  ],
  score_adjustment: [
    ['id', uuid],
    ['date', ts],
    ['psess', uuid],
    ['player_id', str(1, 64)],
    ['delta', { kind: 'integer' }],
    ['reason', str(0, 128)],
  ],
  loadout_changed: [
    ['id', uuid],
    ['date', ts],
    ['psess', uuid],
    ['items', { kind: 'stringArrayJson' }],
    ['perks', { kind: 'optionalObjectJson' }],
  ],
  match_end: [
    ['gsess', uuid],
    ['psess', uuid],
    ['date', ts],
    ['result', { kind: 'enum', values: ['win', 'loss', 'draw'] }],
    ['kills', { kind: 'integer', min: 0 }],
    ['deaths', { kind: 'integer', min: 0 }],
    ['stats', { kind: 'object' }],
    ['stats.accuracy', { kind: 'number', min: 0, max: 1 }],
    ['stats.headshots', { kind: 'integer', min: 0 }],
  ],
};

const DATE_MICROS = Date.UTC(2026, 10, 22, 10, 0, 0) * 1000;

// VALID (test/helpers/catalog-samples.ts): a valid record of every type; each case changes one field of it.

/** The row the spec expects for each VALID record, in column order. */
export const VALID_ROWS: Record<string, unknown[]> = {
  session_begin: [U.a, DATE_MICROS, U.b, 'player-1', 'pc', '1.4.2', true, '203.0.113.77', 'device-1'],
  session_end: [U.a, DATE_MICROS, U.b, 600.5, 'quit'],
  damage_dealt: [U.a, DATE_MICROS, U.c, U.b, 7, 'rifle', 12.5, true],
  damage_taken: [U.c, U.d, DATE_MICROS, U.b, 'grenade', 30],
  kiosk_weapon_offered: [U.a, DATE_MICROS, U.b, U.c, 3, 'shotgun'],
  purchase: [U.a, DATE_MICROS, U.b, 'player-1', 'gold_pack', 49_900, 'EUR'],
  score_adjustment: [U.a, DATE_MICROS, U.b, 'player-1', -25, 'team kill'],
  loadout_changed: [U.a, DATE_MICROS, U.b, '["rifle","scope"]', '{"speed":2}'],
  match_end: [U.c, U.b, DATE_MICROS, 'win', 10, 2, 0.42, 4],
};

export function withValue(record: Record<string, unknown>, path: string, value: Value): Record<string, unknown> {
  const copy = structuredClone(record);
  const keys = path.split('.');
  let target = copy as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  const last = keys[keys.length - 1]!;
  if (value === ABSENT) delete target[last];
  else target[last] = value;
  return copy;
}

export const columnOf = (path: string) => path.replace('.', '_');
/** The field named as a whole word (or its dotted/underscored path), so `id` does not match `invalid`. */
export const namesField = (path: string) =>
  new RegExp(`(^|[^A-Za-z0-9_])${path.replace('.', '[._]')}([^A-Za-z0-9_]|$)`);
