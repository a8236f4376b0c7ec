/** The doctor's scratch table: one column of every Loadout type, and the rows it loads with what they read back as. */
import { z } from 'zod';
import { defineEvent } from '../../schemas/define-event';
import { boolean, integer, jsonText, number, string, timestamp, uuid } from '../../schemas/fields';

export const DOCTOR_TABLE = 'doctor_types';

export const DOCTOR_TYPE = defineEvent({
  tag: DOCTOR_TABLE,
  uniqueKey: ['id'],
  fields: {
    id: uuid(),
    date: timestamp(),
    label: string({ max: 64 }).optional(),
    doc: jsonText(z.unknown()).optional(),
    count: integer().optional(),
    ratio: number().optional(),
    flag: boolean(false),
  },
});

const micros = (iso: string, extra: number) => Date.parse(iso) * 1000 + extra;

/** Staged rows, in column order: multi-byte text, microseconds, the largest exact integer, NULLs; a duplicate key. */
export const DOCTOR_ROWS: readonly (readonly unknown[])[] = [
  [
    '00000000-0000-4000-8000-000000000001',
    micros('2026-01-02T03:04:05.123Z', 456),
    'doctor é ✓',
    '{"items":[1,2],"s":"ü"}',
    9_007_199_254_740_991,
    0.5,
    true,
  ],
  ['00000000-0000-4000-8000-000000000002', micros('2026-01-02T04:59:59.999Z', 999), null, null, null, null, false],
  ['00000000-0000-4000-8000-000000000002', micros('2026-01-02T04:59:59.999Z', 999), null, null, null, null, false],
];

/** What `SELECT * ... ORDER BY id` reads back, in the value format every warehouse answers in (result-values.ts). */
export const DOCTOR_EXPECTED: readonly Record<string, unknown>[] = [
  {
    id: '00000000-0000-4000-8000-000000000001',
    date: '2026-01-02T03:04:05.123456Z',
    label: 'doctor é ✓',
    doc: '{"items":[1,2],"s":"ü"}',
    count: 9_007_199_254_740_991,
    ratio: 0.5,
    flag: true,
  },
  {
    id: '00000000-0000-4000-8000-000000000002',
    date: '2026-01-02T04:59:59.999999Z',
    label: null,
    doc: null,
    count: null,
    ratio: null,
    flag: false,
  },
];

/** kpi_events_per_hour over the scratch table: one event in each of two UTC hours. */
export const DOCTOR_EXPECTED_HOURS: readonly Record<string, unknown>[] = [
  { hour: '2026-01-02T03:00:00.000000Z', event: DOCTOR_TABLE, events: 1 },
  { hour: '2026-01-02T04:00:00.000000Z', event: DOCTOR_TABLE, events: 1 },
];
