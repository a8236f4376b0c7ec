/** Reads an SQS message body from S3 event notifications (direct, or wrapped by SNS). Never throws. */

export interface CreatedObject {
  bucket: string;
  /** Decoded key: S3 URL-encodes keys in notifications, with '+' for spaces. */
  key: string;
  size: number;
  etag: string;
  /**
   * S3's per-key event order (hex; right-pad the shorter with zeros, then compare); absent on moto and
   * other S3-compatible servers that do not send it.
   */
  sequencer?: string;
  /** The record's eventTime (ISO 8601), when present and valid. */
  eventTime?: string;
}

export type Notification =
  | { kind: 'objects'; objects: CreatedObject[] }
  /** s3:TestEvent, deletions, anything else: acknowledged and ignored. */
  | { kind: 'ignored'; reason: string };

export function parseS3Notification(body: string): Notification {
  let message: unknown;
  try {
    message = JSON.parse(body);
  } catch {
    return { kind: 'ignored', reason: 'body is not JSON' };
  }
  // SNS in between (without raw message delivery): the S3 event is the envelope's Message string.
  if (isObject(message) && message.Type === 'Notification' && typeof message.Message === 'string') {
    return parseS3Notification(message.Message);
  }
  if (isObject(message) && message.Event === 's3:TestEvent') return { kind: 'ignored', reason: 's3:TestEvent' };
  if (!isObject(message) || !Array.isArray(message.Records))
    return { kind: 'ignored', reason: 'not an S3 event notification' };
  const objects: CreatedObject[] = [];
  let undecodable = 0;
  for (const record of message.Records as unknown[]) {
    // Junk is acknowledged and ignored, never thrown: one bad record must not hold back a receive.
    if (!isObject(record) || typeof record.eventName !== 'string' || !record.eventName.startsWith('ObjectCreated:'))
      continue;
    const s3 = isObject(record.s3) ? record.s3 : {};
    const bucket = isObject(s3.bucket) ? s3.bucket.name : undefined;
    const object = isObject(s3.object) ? s3.object : {};
    if (typeof bucket !== 'string' || bucket === '' || typeof object.key !== 'string') continue;
    const key = decodeKey(object.key);
    if (key === undefined) {
      undecodable++;
      continue;
    }
    if (key === '') continue;
    objects.push({
      bucket,
      key,
      size: typeof object.size === 'number' && Number.isFinite(object.size) ? object.size : 0,
      etag: (typeof object.eTag === 'string' ? object.eTag : '').replace(/"/g, ''),
      ...(typeof object.sequencer === 'string' && object.sequencer !== '' ? { sequencer: object.sequencer } : {}),
      ...(typeof record.eventTime === 'string' && !Number.isNaN(Date.parse(record.eventTime))
        ? { eventTime: new Date(record.eventTime).toISOString() }
        : {}),
    });
  }
  if (objects.length > 0) return { kind: 'objects', objects };
  return {
    kind: 'ignored',
    reason: undecodable > 0 ? 'object key is not URL-encoded UTF-8' : 'no ObjectCreated record',
  };
}

/** S3 form-encodes keys ('+' for space; moto even encodes '/'): undefined when the encoding is broken. */
function decodeKey(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** Orders two sequencers of the same key as S3 documents: right-pad the shorter with zeros, compare as strings. */
export function compareSequencers(a: string, b: string): number {
  const width = Math.max(a.length, b.length);
  const pa = a.toUpperCase().padEnd(width, '0');
  const pb = b.toUpperCase().padEnd(width, '0');
  return pa < pb ? -1 : pa > pb ? 1 : 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
