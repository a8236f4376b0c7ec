/**
 * The process's log lines on stderr, through the Temporal Runtime logger (so the SDK's own lines,
 * the activities' Context loggers and Loadout's lines share one format): one JSON object per line
 * for log collectors, or human text on a terminal. stdout stays for command output (--json).
 */
import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { DefaultLogger, type LogEntry } from '@temporalio/worker';
import { redactSecrets } from '../workers/redact-secrets';

export type LogFormat = 'json' | 'text';

/** Human text where a person reads it, JSON where a collector does. */
export function defaultLogFormat(stream: { isTTY?: boolean } = process.stderr): LogFormat {
  return stream.isTTY ? 'text' : 'json';
}

/** Activity metadata that identifies nothing an operator looks for and only lengthens each line. */
const DROPPED_META = new Set(['taskToken']);

export function createLogger(
  format: LogFormat,
  level: LogLevel,
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  // A warehouse URL in an activity's error or a log field keeps its password to itself.
  return new DefaultLogger(level, (entry) =>
    write(redactSecrets(format === 'json' ? jsonLine(entry) : textLine(entry))),
  );
}

export function jsonLine(entry: LogEntry): string {
  // time, level and message first and never overwritten by metadata of the same name.
  return `${JSON.stringify({ ...metaOf(entry.meta), time: timeOf(entry), level: entry.level, message: entry.message }, jsonValue)}\n`;
}

function textLine(entry: LogEntry): string {
  const fields = Object.entries(metaOf(entry.meta))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v, jsonValue)}`)
    .join(' ');
  return `${timeOf(entry)} ${entry.level.padEnd(5)} ${entry.message}${fields ? `  ${fields}` : ''}\n`;
}

function metaOf(meta: LogMetadata | undefined): Record<string, unknown> {
  if (!meta) return {};
  return Object.fromEntries(Object.entries(meta).filter(([k, v]) => v !== undefined && !DROPPED_META.has(k)));
}

function timeOf(entry: LogEntry): string {
  return new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
}

/** Errors keep their name, message and cause (JSON.stringify would print `{}`); bigints become numbers. */
function jsonValue(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Error) {
    const cause = (value as { cause?: unknown }).cause;
    return { name: value.name, message: value.message, ...(cause !== undefined ? { cause } : {}), stack: value.stack };
  }
  return value;
}
