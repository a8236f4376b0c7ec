/**
 * The erased set a batch drops records by: the pseudonyms named by the lake's `erasures/` keys
 * (core/erasure/erasures.ts). Listed afresh for every batch, so an erasure recorded now applies to
 * every batch that starts afterwards; the keys are the whole set, no object needs reading.
 */
import { ERASURES_PREFIX, pseudonymOfErasureKey } from '../core/erasure/erasures';
import type { ObjectStore } from '../stores/object/object-store';

export async function erasedPseudonyms(lake: ObjectStore): Promise<Set<string>> {
  const erased = new Set<string>();
  for await (const o of lake.list(ERASURES_PREFIX)) {
    const pseudonym = pseudonymOfErasureKey(o.key);
    if (pseudonym !== undefined) erased.add(pseudonym);
  }
  return erased;
}
