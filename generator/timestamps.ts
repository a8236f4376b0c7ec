/** ISO-8601 renderings of an instant as producers write them: Z or a local offset, 0, 3 or 6 fraction digits. */

export interface TimeStyle {
  /** Digits after the seconds: none, milliseconds or microseconds. */
  readonly fraction: 0 | 3 | 6;
  /** Minutes east of UTC written as `+HH:MM`, or null for `Z`. */
  readonly offsetMinutes: number | null;
}

export const SERVER_STYLE: TimeStyle = { fraction: 6, offsetMinutes: null };

const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const THREE = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const OFFSETS = new Map<number, string>();
let cachedDay = NaN;
let cachedDayText = '';

/**
 * `micros` (UTC microseconds since the epoch) in `style`; the instant is the same whatever the style.
 * Built from cached day text and digit tables: it runs for every record.
 */
export function formatTimestamp(micros: number, style: TimeStyle): string {
  const offset = style.offsetMinutes;
  const utcMillis = Math.floor(micros / 1000);
  const millis = offset === null ? utcMillis : utcMillis + offset * 60_000;
  const day = Math.floor(millis / 86_400_000);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDayText = new Date(day * 86_400_000).toISOString().slice(0, 11);
  }
  const inDay = millis - day * 86_400_000;
  const seconds = Math.floor(inDay / 1000);
  let text =
    cachedDayText +
    TWO[Math.floor(seconds / 3600)]! +
    ':' +
    TWO[Math.floor(seconds / 60) % 60]! +
    ':' +
    TWO[seconds % 60]!;
  if (style.fraction === 3) text += '.' + THREE[inDay % 1000]!;
  else if (style.fraction === 6) text += '.' + THREE[inDay % 1000]! + THREE[micros - utcMillis * 1000]!;
  if (offset === null) return text + 'Z';
  let zone = OFFSETS.get(offset);
  if (zone === undefined) OFFSETS.set(offset, (zone = formatOffset(offset)));
  return text + zone;
}

export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The same wall-clock text without any timezone designator (invalid by the catalog's rule). */
export function withoutTimezone(micros: number, spaceSeparator: boolean): string {
  const iso = new Date(Math.floor(micros / 1000)).toISOString();
  return spaceSeparator ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : iso.slice(0, 23);
}

/** The instant's UTC rendering with its year replaced (Feb 29 becomes Feb 28, so only the year is wrong). */
export function withYear(micros: number, year: number): string {
  const iso = new Date(Math.floor(micros / 1000)).toISOString();
  const monthDay = iso.slice(4, 10) === '-02-29' ? '-02-28' : iso.slice(4, 10);
  return `${year}${monthDay}${iso.slice(10)}`;
}
