/** Reading test objects' lines with readLineBytes: as text, checked, or expected unreadable; chunkings and a sample text. */
import { Readable } from 'node:stream';
import { expect } from 'vitest';
import { UnreadableObjectError } from '../../core/errors';
import { readLineBytes, type LineStats, type ReadLinesOptions } from '../../core/read-line-bytes';

/** The lines as text, decoded as the batch processor decodes the lines its fast lane leaves to the string path. */
export function readLines(
  source: string,
  input: Readable,
  onLine: (text: string, lineNumber: number) => void,
  options?: ReadLinesOptions,
): Promise<LineStats> {
  return readLineBytes(source, input, (bytes, start, end, n) => onLine(bytes.toString('utf8', start, end), n), options);
}

export type Line = [text: string, lineNumber: number];

export async function read(
  source: string,
  chunks: Buffer[],
): Promise<{ lines: Line[]; stats: Awaited<ReturnType<typeof readLines>> }> {
  const lines: Line[] = [];
  const stats = await readLines(source, Readable.from(chunks), (text, n) => lines.push([text, n]));
  return { lines, stats };
}

export const whole = (b: Buffer | string) => [Buffer.from(b)];
export const bytewise = (b: Buffer | string) => [...Buffer.from(b)].map((x) => Buffer.from([x]));

/** The lines read and the lines reported as not UTF-8 or holding NUL bytes. */
export async function readChecked(
  source: string,
  chunks: Buffer[],
): Promise<{ lines: Line[]; invalid: [number, string, string][] }> {
  const lines: Line[] = [];
  const invalid: [number, string, string][] = [];
  await readLines(source, Readable.from(chunks), (text, n) => lines.push([text, n]), {
    onInvalidLine: (n, reason, head) => invalid.push([n, reason, head]),
  });
  return { lines, invalid };
}

export async function unreadable(source: string, chunks: Buffer[]): Promise<UnreadableObjectError> {
  try {
    await read(source, chunks);
  } catch (error) {
    expect(error).toBeInstanceOf(UnreadableObjectError);
    return error as UnreadableObjectError;
  }
  throw new Error(`expected ${source} to be unreadable`);
}

export const TEXT = '{"event":"a","s":"é"}\n{"event":"b","s":"😀"}\r\n\n   \n{"event":"c","s":"中文"}\r\n{"event":"d"}';
export const TEXT_LINES: Line[] = [
  ['{"event":"a","s":"é"}', 1],
  ['{"event":"b","s":"😀"}', 2],
  ['{"event":"c","s":"中文"}', 5],
  ['{"event":"d"}', 6],
];
