/**
 * The optional rewrite of the raw zone (`loadout erase --rewrite-raw`): every raw object holding an
 * erased player's records is written again without them, gzip in, gzip out. The raw zone belongs
 * to the producers, so this is opt-in: a rewritten object has a new etag, so discovery takes it as
 * a new batch; it holds only other players' records, which load under the same unique keys as
 * before, so the merge replaces them with themselves.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Catalog } from '../../schemas/catalog';
import type { ObjectStore } from '../../stores/object/object-store';
import { pseudonymOf } from '../personal/pseudonym';
import { pseudonymisedNames } from './erased-records';
import type { FileErasure } from './lake-erasure';
import { recordsWithout } from './record-lines';

export async function eraseRawObjects(
  deps: { raw: ObjectStore; catalog: Catalog; pseudonymKey: Uint8Array; progress?: (key: string) => void },
  pseudonym: string,
): Promise<FileErasure[]> {
  const names = pseudonymisedNames(deps.catalog);
  const cache = new Map<string, boolean>();
  const isErased = (clear: string) => {
    let erased = cache.get(clear);
    if (erased === undefined) cache.set(clear, (erased = pseudonymOf(deps.pseudonymKey, clear) === pseudonym));
    return erased;
  };
  const out: FileErasure[] = [];
  for await (const o of deps.raw.list('')) {
    const bytes = Buffer.from(await deps.raw.readBytes(o.key));
    const gzipped = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
    let text: string;
    try {
      text = (gzipped ? gunzipSync(bytes) : bytes).toString('utf8');
    } catch {
      // A corrupt object was quarantined, never loaded: left to its producer.
      deps.progress?.(o.key);
      continue;
    }
    const result = recordsWithout(text, names, isErased);
    if (result.removed > 0) {
      const body = Buffer.from(result.text, 'utf8');
      await deps.raw.write(o.key, gzipped ? gzipSync(body) : body);
      out.push({ key: o.key, removed: result.removed });
    }
    deps.progress?.(o.key);
  }
  return out;
}
