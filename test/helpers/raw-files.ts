/** Small hand-made raw objects for workflow tests, with known counts (the generator has its own tests). */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface WrittenRaw {
  key: string;
  /** Distinct valid events per table written into this object. */
  distinct: Record<string, number>;
  records: number;
}

/** A gzip object of `sessions` session_begin/purchase pairs, each written twice (re-delivery). */
export function writeSessionsObject(
  root: string,
  key: string,
  sessions: number,
  seed: string = randomUUID(),
): WrittenRaw {
  const lines: string[] = [];
  for (let i = 0; i < sessions; i++) {
    const psess = uuidFrom(`${seed}-p-${i}`);
    const begin = JSON.stringify({
      event: 'session_begin',
      id: uuidFrom(`${seed}-b-${i}`),
      date: '2026-11-22T10:00:00Z',
      psess,
      player_id: `player-${i % 50}`,
      platform: 'pc',
      app_version: '1.4.2',
    });
    const purchase = JSON.stringify({
      event: 'purchase',
      id: uuidFrom(`${seed}-u-${i}`),
      date: '2026-11-22T10:05:00.250+01:00',
      psess,
      player_id: `player-${i % 50}`,
      sku: 'gold_pack',
      amount: 4.99,
      currency: 'EUR',
    });
    lines.push(
      begin,
      purchase,
      begin.replace(/"id":"([0-9a-f-]+)"/, (_, id: string) => `"id":"${id.toUpperCase()}"`),
    );
  }
  writeObject(root, key, gzipSync(lines.join('\n') + '\n'));
  return { key, distinct: { session_begin: sessions, purchase: sessions }, records: lines.length };
}

export function writeObject(root: string, key: string, body: Uint8Array | string): void {
  const path = join(root, key);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, body);
}

/** A deterministic uuid-shaped string from any text. */
export function uuidFrom(text: string): string {
  let h1 = 0x811c9dc5,
    h2 = 0x01000193,
    h3 = 0x12345678,
    h4 = 0x9abcdef0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 16777619);
    h2 = Math.imul(h2 ^ c, 2246822519);
    h3 = Math.imul(h3 ^ c, 3266489917);
    h4 = Math.imul(h4 ^ c, 668265263);
  }
  const hex = [h1, h2, h3, h4].map((h) => (h >>> 0).toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
