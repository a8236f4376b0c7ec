/** Reads a JSON object the pipeline wrote to a store (reports, manifests, markers). */
import type { ObjectStore } from './object-store';

export async function readJson<T>(store: ObjectStore, key: string): Promise<T> {
  return JSON.parse(Buffer.from(await store.readBytes(key)).toString('utf8')) as T;
}
