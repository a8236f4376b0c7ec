/** A table's fingerprint: a checksum of its output column names and types, in order, never of data. */
import { createHash } from 'node:crypto';
import type { OutputColumn } from './column-types';

/** 16 hex digits (64 bits), like the seed's `kiosk_weapon_offered/212c16e6ac9b7836-...`. */
export function fingerprintColumns(columns: readonly Pick<OutputColumn, 'name' | 'type'>[]): string {
  const canonical = columns.map((c) => `${c.name}:${c.type}`).join('\n');
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
