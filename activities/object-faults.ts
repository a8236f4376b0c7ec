/**
 * The one place that tells input faults from infrastructure faults when a raw object is read:
 * an input fault quarantines the object (final: no retry reads it differently), anything else is
 * thrown so the activity attempt fails and Temporal retries it.
 */
import type { UnreadableObject } from '../core/batch-processor';
import type { QuarantineKind } from '../core/quarantine';
import { InvalidKeyError, ObjectNotFoundError } from '../stores/object/object-store';

export interface ObjectFault {
  kind: QuarantineKind;
  reason: string;
  /**
   * Refused by the store's permissions. One such object is its own fault; a batch whose every
   * object is refused points at the worker's credentials instead, and is retried.
   */
  permission?: boolean;
}

/** A fault of reading the object from its store, or undefined when the error is the infrastructure's. */
export function readFaultOf(error: unknown, key: string): ObjectFault | undefined {
  if (error instanceof ObjectNotFoundError)
    return {
      kind: 'missing',
      reason: `${key}: gone from the raw zone when read (deleted or moved after it was listed or notified)`,
    };
  if (error instanceof InvalidKeyError) return { kind: 'invalid-key', reason: `${key}: ${error.message}` };
  const e = error as
    { code?: string; name?: string; Code?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  const code = e?.code ?? e?.name;
  if (code === 'EACCES' || code === 'EPERM')
    return { kind: 'unreadable', reason: `${key}: permission denied by the file system`, permission: true };
  if (code === 'ELOOP') return { kind: 'unreadable', reason: `${key}: a loop of symbolic links` };
  if (code === 'AccessDenied' || code === 'KMS.AccessDeniedException') {
    return { kind: 'unreadable', reason: `${key}: access denied by the object store (${code})`, permission: true };
  }
  if (code === 'InvalidObjectState')
    return { kind: 'unreadable', reason: `${key}: archived (S3 Glacier or Deep Archive): restore it, then replay` };
  return undefined;
}

/** What the processing core found unreadable, as a quarantine fault. */
export function contentFaultOf(unreadable: UnreadableObject, key: string): ObjectFault {
  return {
    kind: unreadable.kind === 'processing-error' ? 'unreadable' : unreadable.kind,
    reason: unreadable.kind === 'processing-error' ? unreadable.reason : `${key}: ${unreadable.reason}`,
  };
}
