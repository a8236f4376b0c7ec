/** Load manifests: which staged files one merge loads, named from those files so a retry reuses it. */
import { createHash } from 'node:crypto';

/** Redshift's COPY manifest format; content_length is required for Parquet. */
export interface CopyManifest {
  entries: { url: string; mandatory: true; meta: { content_length: number } }[];
}

/** What Loadout itself needs to know of a manifest, kept beside it. */
export interface ManifestFiles {
  table: string;
  fingerprint: string;
  keys: string[];
  bytes: number[];
}

export function manifestKeyOf(table: string, fingerprint: string, fileKeys: readonly string[]): string {
  const hash = createHash('sha256').update(`${table}\n${fingerprint}\n`);
  for (const key of [...fileKeys].sort()) hash.update(key).update('\n');
  return `manifests/${table}/${fingerprint}-${hash.digest('hex').slice(0, 32)}.json`;
}

export function filesKeyOf(manifestKey: string): string {
  return manifestKey.replace(/\.json$/, '.files.json');
}

export function doneKeyOf(manifestKey: string): string {
  return manifestKey.replace(/\.json$/, '.done');
}

/** `staged/{table}/{fingerprint}-{batch}.parquet` -> its fingerprint, or undefined for other names. */
export function fingerprintOfStagedKey(key: string): string | undefined {
  // `pii/staged/`: the personal-data store's files (core/personal/personal-data-file.ts).
  return /^(?:pii\/)?staged\/[a-z0-9_]+\/([0-9a-f]{16})-[0-9a-f]+\.parquet$/.exec(key)?.[1];
}

export function archivedKeyOf(stagedKey: string): string {
  return stagedKey.replace(/^(pii\/)?staged\//, '$1loaded/');
}
