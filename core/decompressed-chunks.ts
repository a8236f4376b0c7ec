/** A raw object's bytes after gunzip when it is gzip (by its magic bytes), else as they come. */
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { SNIFF_BYTES, unreadableFormatOf } from './content-sniff';
import { UnreadableObjectError } from './errors';

/**
 * Gzip is recognised by its magic bytes, not the object's name, since agents do not always name
 * files by their content; concatenated members (`cat a.gz b.gz`) read as one text.
 * `counter.bytesIn` grows by every byte read from `input`.
 */
export async function* decompressedChunks(
  source: string,
  input: Readable,
  counter: { bytesIn: number },
): AsyncGenerator<Buffer> {
  const iterator = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  try {
    yield* chunksOf(source, iterator, counter);
  } finally {
    // Whatever ends the reading (a corrupt object, the consumer stopping early), the input is closed.
    await iterator.return?.();
  }
}

async function* chunksOf(
  source: string,
  iterator: AsyncIterator<Buffer>,
  counter: { bytesIn: number },
): AsyncGenerator<Buffer> {
  let head = await iterator.next();
  while (!head.done && head.value.length < SNIFF_BYTES) {
    // A short first chunk cannot show a format's magic bytes; join it with the next.
    const next = await iterator.next();
    if (next.done) break;
    head = { done: false, value: Buffer.concat([head.value, next.value]) };
  }
  if (head.done) return;
  const first = head.value;
  const rest = async function* () {
    counter.bytesIn += first.length;
    yield first;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      counter.bytesIn += next.value.length;
      yield next.value;
    }
  };
  if (first[0] !== 0x1f || first[1] !== 0x8b) {
    const format = unreadableFormatOf(first);
    if (format !== undefined)
      throw new UnreadableObjectError(
        source,
        `${format.name}: Loadout reads gzip or plain UTF-8 JSON lines`,
        format.kind,
      );
    yield* rest();
    return;
  }
  // Large output chunks: the default 16 KB means a callback per 16 KB, which showed in profiles.
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  // A failing read (network, store) stays a plain, retryable error; only zlib's own is corruption.
  let inputError: unknown;
  const feed = (async () => {
    try {
      for await (const chunk of rest()) {
        if (!gunzip.write(chunk)) await new Promise<void>((resolve) => gunzip.once('drain', resolve));
      }
      gunzip.end();
    } catch (error) {
      inputError = error;
      gunzip.destroy(error as Error);
    }
  })();
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (error) {
    if (inputError !== undefined) throw inputError;
    throw new UnreadableObjectError(source, `corrupt gzip: ${(error as Error).message}`, 'corrupt-compression');
  } finally {
    gunzip.destroy();
    await feed;
  }
}
