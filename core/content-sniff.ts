/**
 * What an object's first bytes say it is, when that is something Loadout cannot read: another
 * compression or a binary format. Gzip and text are read; everything named here is quarantined
 * on its first chunk, so no line of it becomes a reject.
 */

interface Signature {
  bytes: readonly number[];
  /** What the object is, for the quarantine reason. */
  name: string;
  kind: 'unsupported-compression' | 'not-text';
}

const SIGNATURES: readonly Signature[] = [
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], name: 'zstd-compressed', kind: 'unsupported-compression' },
  // bzip2: "BZh" and a block size digit '1'-'9' (checked in unreadableFormatOf).
  { bytes: [0x42, 0x5a, 0x68], name: 'bzip2-compressed', kind: 'unsupported-compression' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], name: 'xz-compressed', kind: 'unsupported-compression' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], name: 'a zip archive', kind: 'unsupported-compression' },
  { bytes: [0x04, 0x22, 0x4d, 0x18], name: 'lz4-compressed', kind: 'unsupported-compression' },
  {
    bytes: [0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59],
    name: 'snappy-framed',
    kind: 'unsupported-compression',
  },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], name: 'a 7z archive', kind: 'unsupported-compression' },
  // UTF-32 before UTF-16: FF FE 00 00 starts with the UTF-16 LE mark.
  { bytes: [0xff, 0xfe, 0x00, 0x00], name: 'UTF-32 text (Loadout reads UTF-8)', kind: 'not-text' },
  { bytes: [0x00, 0x00, 0xfe, 0xff], name: 'UTF-32 text (Loadout reads UTF-8)', kind: 'not-text' },
  { bytes: [0xff, 0xfe], name: 'UTF-16 text (Loadout reads UTF-8)', kind: 'not-text' },
  { bytes: [0xfe, 0xff], name: 'UTF-16 text (Loadout reads UTF-8)', kind: 'not-text' },
  { bytes: [0x50, 0x41, 0x52, 0x31], name: 'a Parquet file', kind: 'not-text' },
  { bytes: [0x4f, 0x62, 0x6a, 0x01], name: 'an Avro file', kind: 'not-text' },
];

/** Bytes the longest signature needs: a first chunk shorter than this is joined with the next. */
export const SNIFF_BYTES = Math.max(...SIGNATURES.map((s) => s.bytes.length));

/** The format an object's first bytes name, when Loadout cannot read it; undefined for gzip and text. */
export function unreadableFormatOf(head: Uint8Array): Pick<Signature, 'name' | 'kind'> | undefined {
  for (const signature of SIGNATURES) {
    if (head.length < signature.bytes.length || !signature.bytes.every((b, i) => head[i] === b)) continue;
    if (signature.bytes[0] === 0x42 && !(head.length > 3 && head[3]! >= 0x31 && head[3]! <= 0x39)) continue;
    return signature;
  }
  return undefined;
}
