/** ISO-8601 date-times with a timezone, to UTC microseconds since the epoch. */

export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;
const MIN_MILLIS = Date.UTC(MIN_YEAR, 0, 1);
const END_MILLIS = Date.UTC(MAX_YEAR + 1, 0, 1);
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export type TimestampResult = { micros: number } | { error: string };

/**
 * Accepts `YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±HH:MM|±HHMM)`. Parsed by character codes rather than
 * a regex with captures: it runs for every event, and this is several times faster. Microseconds
 * fit a double exactly until year 2255, so a plain number avoids BigInt on the hot path.
 */
export function parseTimestampMicros(text: string): TimestampResult {
  const why: Why = { error: '' };
  const micros = timestampMicros(text, why);
  return Number.isNaN(micros) ? { error: why.error } : { micros };
}

/** Where the reason of a refusal goes, when the caller wants it. */
interface Why { error: string }

const NOT_ISO = 'not an ISO-8601 date-time with a timezone';

function refuse(why: Why | undefined, error: string): number {
  if (why !== undefined) why.error = error;
  return NaN;
}

/**
 * The rule of parseTimestampMicros as a bare number, NaN when refused (and the reason in `why`):
 * the validation hot path allocates no result object.
 */
export function timestampMicros(text: string, why?: Why): number {
  const n = text.length;
  if (n < 20 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || (text.charCodeAt(10) | 32) !== 116
    || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) {
    return refuse(why, NOT_ISO);
  }
  const year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
  const hour = digits(text, 11, 2), minute = digits(text, 14, 2), second = digits(text, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return refuse(why, NOT_ISO);
  let pos = 19;
  let micros = 0;
  if (text.charCodeAt(pos) === 46) {
    pos++;
    const start = pos;
    while (pos < n && pos - start < 9) {
      const d = text.charCodeAt(pos) - 48;
      if (d < 0 || d > 9) break;
      if (pos - start < 6) micros = micros * 10 + d;
      pos++;
    }
    const length = pos - start;
    if (length === 0) return refuse(why, NOT_ISO);
    for (let i = length; i < 6; i++) micros *= 10;
  }
  let offsetMinutes = 0;
  const zone = text.charCodeAt(pos);
  if ((zone | 32) === 122 && pos + 1 === n) {
    // Z
  } else if ((zone === 43 || zone === 45) && (n - pos === 6 || n - pos === 5)) {
    const oh = digits(text, pos + 1, 2);
    const colon = n - pos === 6;
    if (colon && text.charCodeAt(pos + 3) !== 58) return refuse(why, NOT_ISO);
    const om = digits(text, pos + (colon ? 4 : 3), 2);
    if (oh < 0 || om < 0) return refuse(why, NOT_ISO);
    if (oh > 23 || om > 59) return refuse(why, 'timezone offset out of range');
    offsetMinutes = (oh * 60 + om) * (zone === 45 ? -1 : 1);
  } else {
    return refuse(why, NOT_ISO);
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    return refuse(why, 'date or time out of range');
  }
  const millis = (((daysSinceEpoch(year, month, day) * 24 + hour) * 60 + minute - offsetMinutes) * 60 + second) * 1000;
  if (millis < MIN_MILLIS || millis >= END_MILLIS) {
    return refuse(why, `year ${new Date(millis).getUTCFullYear()} outside ${MIN_YEAR}-${MAX_YEAR}`);
  }
  return millis * 1000 + micros;
}

/** The value of `count` ASCII digits at `at`, or -1 when one is not a digit. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil), as Date.UTC
 * counts them; in integer arithmetic since this runs for every event and Date.UTC measured ~60 %
 * of the parse.
 */
function daysSinceEpoch(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month - 1]!;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

export function microsToIso(micros: number): string {
  const millis = Math.floor(micros / 1000);
  const rest = micros - millis * 1000;
  const iso = new Date(millis).toISOString();
  return rest === 0 ? iso : `${iso.slice(0, -1)}${String(rest).padStart(3, '0')}Z`;
}
