/** Reads an SQS message body from S3 event notifications (direct, or wrapped by SNS). */

export interface CreatedObject {
  bucket: string;
  /** Decoded key: S3 URL-encodes keys in notifications, with '+' for spaces. */
  key: string;
  size: number;
  etag: string;
}

export type Notification =
  | { kind: 'objects'; objects: CreatedObject[] }
  /** s3:TestEvent, deletions, anything else: acknowledged and ignored. */
  | { kind: 'ignored'; reason: string };

interface S3Record {
  eventSource?: string;
  eventName?: string;
  s3?: { bucket?: { name?: string }; object?: { key?: string; size?: number; eTag?: string } };
}

export function parseS3Notification(body: string): Notification {
  let message: unknown;
  try {
    message = JSON.parse(body);
  } catch {
    return { kind: 'ignored', reason: 'body is not JSON' };
  }
  if (isObject(message) && message.Type === 'Notification' && typeof message.Message === 'string') {
    return parseS3Notification(message.Message);
  }
  if (isObject(message) && message.Event === 's3:TestEvent') return { kind: 'ignored', reason: 's3:TestEvent' };
  if (!isObject(message) || !Array.isArray(message.Records)) return { kind: 'ignored', reason: 'not an S3 event notification' };
  const objects: CreatedObject[] = [];
  for (const record of message.Records as S3Record[]) {
    if (!record.eventName?.startsWith('ObjectCreated:')) continue;
    const bucket = record.s3?.bucket?.name;
    const key = record.s3?.object?.key;
    if (!bucket || key === undefined) continue;
    objects.push({
      bucket,
      key: decodeURIComponent(key.replace(/\+/g, ' ')),
      size: record.s3?.object?.size ?? 0,
      etag: (record.s3?.object?.eTag ?? '').replace(/"/g, ''),
    });
  }
  return objects.length > 0 ? { kind: 'objects', objects } : { kind: 'ignored', reason: 'no ObjectCreated record' };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
