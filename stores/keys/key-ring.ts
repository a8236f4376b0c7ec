/**
 * The personal-data key ring: one file holding the pseudonym key and the data keys (newest
 * last), created on first use with owner-only permissions (0600). Plain keys for the embedded
 * default, where the file is the secret; with KMS, only keys wrapped by a KMS key (envelope
 * encryption), which are worthless without KMS access. Rotating the data key appends one; older
 * ones stay to open what they sealed. Only this module reads or writes key material.
 */
import {
  chmodSync,
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { PersonalDataKeys } from '../../core/personal/personal-data';
import type { DataKey } from '../../core/personal/seal';
import type { KmsWrap } from './kms-wrap';

interface KeyRingFile {
  version: 1;
  /** Set when every key below is wrapped by this KMS key; absent: the keys are plain. */
  kmsKeyId?: string;
  /** base64, plain or wrapped. */
  pseudonymKey: string;
  dataKeys: { id: string; key: string; created: string }[];
}

export interface KeyRing {
  /** What the processing core takes: the pseudonym key and the newest data key. */
  readonly personal: PersonalDataKeys;
  /** Every data key by id, to open what older keys sealed. */
  readonly dataKeys: ReadonlyMap<string, DataKey>;
}

export interface KeyRingOptions {
  path: string;
  /** Envelope encryption under a KMS key; absent: plain keys in an owner-only file. */
  kms?: KmsWrap;
}

/** Opens the key ring, creating it first when the file does not exist. */
export async function openKeyRing(options: KeyRingOptions): Promise<KeyRing> {
  let file = readKeyRing(options.path);
  if (file === undefined) {
    file = {
      version: 1,
      ...(options.kms ? { kmsKeyId: options.kms.keyId } : {}),
      pseudonymKey: await newKey(options.kms, 'pseudonym'),
      dataKeys: [],
    };
    file.dataKeys.push(await newDataKey(options.kms));
    // Exclusive: of two processes creating the ring at once, one wins and both use its keys.
    if (!writeKeyRing(options.path, file, true)) file = readKeyRing(options.path)!;
  }
  return unwrapKeyRing(file, options);
}

/** Appends a new data key, which seals from now on; returns its id. The pseudonym key never changes here. */
export async function rotateDataKey(options: KeyRingOptions): Promise<string> {
  const file = readKeyRing(options.path);
  if (file === undefined) throw new Error(`no key ring at ${options.path}`);
  const key = await newDataKey(file.kmsKeyId ? requireKms(file, options) : undefined);
  file.dataKeys.push(key);
  writeKeyRing(options.path, file, false);
  return key.id;
}

async function unwrapKeyRing(file: KeyRingFile, options: KeyRingOptions): Promise<KeyRing> {
  const kms = file.kmsKeyId ? requireKms(file, options) : undefined;
  const open = async (key: string, purpose: string) =>
    kms ? await kms.unwrap(Buffer.from(key, 'base64'), purpose) : Buffer.from(key, 'base64');
  const dataKeys = new Map<string, DataKey>();
  for (const k of file.dataKeys) dataKeys.set(k.id, { id: k.id, key: await open(k.key, `data-key:${k.id}`) });
  const newest = file.dataKeys.at(-1);
  if (newest === undefined) throw new Error(`the key ring ${options.path} has no data key`);
  return {
    personal: { pseudonymKey: await open(file.pseudonymKey, 'pseudonym'), dataKey: dataKeys.get(newest.id)! },
    dataKeys,
  };
}

function requireKms(file: KeyRingFile, options: KeyRingOptions): KmsWrap {
  if (options.kms === undefined)
    throw new Error(`the key ring ${options.path} is wrapped by KMS key ${file.kmsKeyId}: set LOADOUT_KMS_KEY_ID`);
  if (options.kms.keyId !== file.kmsKeyId)
    throw new Error(`the key ring ${options.path} is wrapped by KMS key ${file.kmsKeyId}, not ${options.kms.keyId}`);
  return options.kms;
}

async function newKey(kms: KmsWrap | undefined, purpose: string): Promise<string> {
  const bytes = kms ? (await kms.generate(purpose)).wrapped : randomBytes(32);
  return Buffer.from(bytes).toString('base64');
}

async function newDataKey(kms: KmsWrap | undefined): Promise<KeyRingFile['dataKeys'][number]> {
  const created = new Date().toISOString();
  const id = `dk-${created.replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(4).toString('hex')}`;
  return { id, key: await newKey(kms, `data-key:${id}`), created };
}

function readKeyRing(path: string): KeyRingFile | undefined {
  let text: string;
  try {
    const mode = statSync(path).mode;
    // A plain key ring readable by others is refused, as ssh refuses a private key.
    if ((mode & 0o077) !== 0)
      throw new Error(`the key ring ${path} is readable by others (mode ${(mode & 0o777).toString(8)}): chmod 600 it`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const file = JSON.parse(text) as KeyRingFile;
  if (file.version !== 1 || typeof file.pseudonymKey !== 'string' || !Array.isArray(file.dataKeys))
    throw new Error(`${path} is not a Loadout key ring`);
  return file;
}

/**
 * Writes with mode 0600 from the first byte, to a temporary name first, so no reader sees half a
 * ring. `exclusive`: linked into place only when no ring exists (false when one does).
 */
function writeKeyRing(path: string, file: KeyRingFile, exclusive: boolean): boolean {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(file, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  // The umask may have narrowed the mode, never widened it; chmod states it once more.
  chmodSync(temporary, 0o600);
  if (!exclusive) {
    renameSync(temporary, path);
    return true;
  }
  try {
    linkSync(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
}
