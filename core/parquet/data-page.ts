/**
 * A version-1 data page of an OPTIONAL column: its header, then the definition levels (4-byte
 * length, RLE/bit-packed hybrid) and the PLAIN values, SNAPPY-compressed together. hyparquet-writer
 * serialises the Thrift header and the levels of pages with nulls.
 */
import { ByteWriter } from 'hyparquet-writer/src/bytewriter.js';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { writeRleBitPackedHybrid } from 'hyparquet-writer/src/encoding.js';
import { compressSync } from 'snappy';
import { HEAD_ROOM, type EncodedPage } from './column-buffer';

export interface DataPage {
  header: Uint8Array;
  body: Buffer;
  /** Of the levels and values, before compression (the header not included). */
  uncompressedSize: number;
}

export function dataPage(page: EncodedPage): DataPage {
  const { buffer, bodyEnd, rows, levels } = page;
  let bytes: Uint8Array;
  if (levels === undefined) {
    bytes = buffer.subarray(allPresentLevelsBefore(buffer, HEAD_ROOM, rows), bodyEnd);
  } else {
    const writer = new ByteWriter(levels.length / 8 + 64);
    writer.appendUint32(0);
    // The writer may grow into a new buffer while it encodes: its view is taken afterwards.
    const length = writeRleBitPackedHybrid(writer, levels, 1);
    writer.view.setUint32(0, length, true);
    bytes = Buffer.concat([writer.getBytes(), buffer.subarray(HEAD_ROOM, bodyEnd)]);
  }
  // Copied into memory V8 allocates and counts: snappy's own output buffers are external memory V8
  // does not see, so they waited for a garbage collection (bench peak RSS 435-441 MB against 318-327).
  const body = compressSync(bytes, { copyOutputData: true });
  const header = new ByteWriter(64);
  writePageHeader(header, {
    type: 'DATA_PAGE',
    uncompressed_page_size: bytes.length,
    compressed_page_size: body.length,
    data_page_header: {
      num_values: rows,
      encoding: 'PLAIN',
      definition_level_encoding: 'RLE',
      repetition_level_encoding: 'RLE',
    },
  });
  return { header: header.getBytes(), body, uncompressedSize: bytes.length };
}

/**
 * Writes, so that they end at `end`, the definition levels of `count` rows that all have a value:
 * their byte length, then one RLE run (varint header `count << 1`, then the level 1 in one byte).
 * Returns where they start (at most 10 bytes before `end`).
 */
function allPresentLevelsBefore(buffer: Uint8Array, end: number, count: number): number {
  const run: number[] = [];
  for (let header = count * 2; ; header = Math.floor(header / 128)) {
    if (header < 128) {
      run.push(header);
      break;
    }
    run.push((header & 0x7f) | 0x80);
  }
  run.push(1);
  const start = end - 4 - run.length;
  buffer[start] = run.length;
  buffer[start + 1] = buffer[start + 2] = buffer[start + 3] = 0;
  buffer.set(run, start + 4);
  return start;
}
