/** Object times for replay windows: from Firehose names, date partitions, Hive partitions, else creation time. */
import { describe, expect, test } from 'vitest';
import { objectTimeSpan, overlapsWindow } from '../../core/object-time';

const created = new Date('2026-12-01T08:15:00Z');
const t = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;

describe('objectTimeSpan', () => {
  test('a Firehose object name gives its second', () => {
    expect(objectTimeSpan('raw/2026/11/22/10/loadout-stream-1-2026-11-22-10-59-07-1a43fa29-e37a.gz', created)).toEqual({
      start: t('2026-11-22T10:59:07Z'),
      end: t('2026-11-22T10:59:07Z') + 1,
      from: 'file-name',
    });
  });

  test('a YYYY/MM/DD/HH prefix gives its hour, YYYY/MM/DD its day', () => {
    expect(objectTimeSpan('raw/2026/11/22/10/part-0001.gz', created)).toEqual({
      start: t('2026-11-22T10:00:00Z'),
      end: t('2026-11-22T11:00:00Z'),
      from: 'partition',
    });
    expect(objectTimeSpan('2026/11/22/part.gz', created)).toEqual({
      start: t('2026-11-22T00:00:00Z'),
      end: t('2026-11-23T00:00:00Z'),
      from: 'partition',
    });
  });

  test('Hive-style partitions: dt=, date=, year=/month=/day=, with or without hour=', () => {
    expect(objectTimeSpan('events/dt=2026-11-22/hour=07/x.json', created)).toMatchObject({
      start: t('2026-11-22T07:00:00Z'),
      end: t('2026-11-22T08:00:00Z'),
    });
    expect(objectTimeSpan('events/date=2026-11-22/x.json', created)).toMatchObject({
      start: t('2026-11-22T00:00:00Z'),
      end: t('2026-11-23T00:00:00Z'),
    });
    expect(objectTimeSpan('year=2026/month=11/day=2/hr=5/x.json', created)).toMatchObject({
      start: t('2026-11-02T05:00:00Z'),
      end: t('2026-11-02T06:00:00Z'),
    });
  });

  test('keys without a time, or with an impossible one, fall back to the creation time', () => {
    for (const key of [
      'late/d.gz',
      'raw/2026/02/31/10/x.gz',
      'raw/2026/13/01/x.gz',
      'stream-2026-11-22-25-00-00-x.gz',
    ]) {
      expect(objectTimeSpan(key, created)).toEqual({
        start: created.getTime(),
        end: created.getTime() + 1,
        from: 'created',
      });
    }
  });
});

describe('overlapsWindow', () => {
  const hour10 = objectTimeSpan('2026/11/22/10/x.gz', created);
  test('an hour partition is in every window that meets the hour; the window end is exclusive', () => {
    expect(overlapsWindow(hour10, t('2026-11-22T10:30:00Z'), t('2026-11-22T10:31:00Z'))).toBe(true);
    expect(overlapsWindow(hour10, t('2026-11-22T09:00:00Z'), t('2026-11-22T10:00:00Z'))).toBe(false);
    expect(overlapsWindow(hour10, t('2026-11-22T11:00:00Z'), t('2026-11-22T12:00:00Z'))).toBe(false);
    expect(overlapsWindow(hour10, t('2026-11-22T10:59:59Z'), t('2026-11-22T12:00:00Z') + HOUR)).toBe(true);
  });

  test('a point in time: from inclusive, to exclusive', () => {
    const point = objectTimeSpan('late/d.gz', new Date('2026-11-22T10:30:00Z'));
    expect(overlapsWindow(point, t('2026-11-22T10:30:00Z'), t('2026-11-22T10:31:00Z'))).toBe(true);
    expect(overlapsWindow(point, t('2026-11-22T10:00:00Z'), t('2026-11-22T10:30:00Z'))).toBe(false);
  });
});
