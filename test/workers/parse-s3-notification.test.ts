/** parseS3Notification on bodies as moto and S3 really send them, wrapped by SNS, and on junk. */
import { describe, expect, test } from 'vitest';
import { compareSequencers, parseS3Notification } from '../../workers/parse-s3-notification';

/** Captured from moto 5 (S3 -> SQS): quote_plus keys ('/' as %2F, ' ' as '+', '+' as %2B), unquoted eTag, no sequencer. */
const MOTO_PUT =
  '{"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1", "eventTime": "2026-11-23T09:24:46.828Z", ' +
  '"eventName": "ObjectCreated:Put", "s3": {"s3SchemaVersion": "1.0", "configurationId": "loadout-object-created", ' +
  '"bucket": {"name": "bkt-cap", "arn": "arn:aws:s3:::bkt-cap"}, "object": {"key": "raw%2F2026%2F11%2F22%2Fgame+server%2B1+%C3%BC%E2%82%AC.json.gz", ' +
  '"size": 5, "eTag": "eb5c1399a871211c7e7ed732d15e3a8b"}}}]}';
const MOTO_MULTIPART =
  '{"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1", "eventTime": "2026-11-23T09:24:47.122Z", ' +
  '"eventName": "ObjectCreated:CompleteMultipartUpload", "s3": {"s3SchemaVersion": "1.0", "configurationId": "loadout-object-created", ' +
  '"bucket": {"name": "bkt-cap", "arn": "arn:aws:s3:::bkt-cap"}, "object": {"key": "raw%2Fbig.gz", "size": 6291456, "eTag": "b94c50b4c452824bfce770ed18d6f771-2"}}}]}';
const MOTO_COPY =
  '{"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1", "eventTime": "2026-11-23T09:24:47.195Z", ' +
  '"eventName": "ObjectCreated:Copy", "s3": {"s3SchemaVersion": "1.0", "configurationId": "loadout-object-created", ' +
  '"bucket": {"name": "bkt-cap", "arn": "arn:aws:s3:::bkt-cap"}, "object": {"key": "raw%2Fmoved.gz", "size": 6291456, "eTag": "4715e35cf900ae14837e3c098e87d522"}}}]}';
const MOTO_TEST_EVENT =
  '{"Service": "Amazon S3", "Event": "s3:TestEvent", "Time": "2026-11-23T09:24:46.808Z", "Bucket": "bkt-cap"}';

/** Shaped as AWS documents it: '/' left alone, '+' for spaces, a sequencer, several records. */
const AWS_TWO_RECORDS = JSON.stringify({
  Records: [
    {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'eu-west-1',
      eventTime: '2026-11-22T10:00:01.000Z',
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
      requestParameters: { sourceIPAddress: '10.0.0.1' },
      responseElements: {
        'x-amz-request-id': 'C3D13FE58DE4C810',
        'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD',
      },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'raw',
        bucket: {
          name: 'game-telemetry',
          ownerIdentity: { principalId: 'A3NL1KOZZKExample' },
          arn: 'arn:aws:s3:::game-telemetry',
        },
        object: {
          key: 'raw/2026/11/22/10/firehose-1-2026-11-22-10-00-00-abc.gz',
          size: 1024,
          eTag: 'd41d8cd98f00b204e9800998ecf8427e',
          sequencer: '0055AED6DCD90281E5',
        },
      },
    },
    {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'eu-west-1',
      eventTime: '2026-11-22T10:00:02.000Z',
      eventName: 'ObjectCreated:CompleteMultipartUpload',
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'raw',
        bucket: { name: 'game-telemetry', arn: 'arn:aws:s3:::game-telemetry' },
        object: {
          key: 'raw/2026/11/22/10/big+one.gz',
          size: 16_777_216,
          eTag: '9b2cf535f27731c974343645a3985328-2',
          sequencer: '0055AED6DCD90281E6',
        },
      },
    },
  ],
});

/** An SNS topic between S3 and SQS, without raw message delivery: the S3 event is a string inside. */
function snsWrapped(message: string): string {
  return JSON.stringify({
    Type: 'Notification',
    MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
    TopicArn: 'arn:aws:sns:us-east-1:123456789012:raw-events',
    Subject: 'Amazon S3 Notification',
    Message: message,
    Timestamp: '2026-11-22T10:00:03.000Z',
    SignatureVersion: '1',
    Signature: 'EXAMPLE',
    SigningCertURL: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem',
    UnsubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
  });
}

function record(eventName: string, key: string, extra: Record<string, unknown> = {}) {
  return {
    eventSource: 'aws:s3',
    eventName,
    s3: { bucket: { name: 'b' }, object: { key, size: 3, eTag: '"abc"', ...extra } },
  };
}

describe('parseS3Notification', () => {
  test('a moto Put: the quote_plus key decoded (spaces, plus, %2F, UTF-8), size and eTag kept', () => {
    expect(parseS3Notification(MOTO_PUT)).toEqual({
      kind: 'objects',
      objects: [
        {
          bucket: 'bkt-cap',
          key: 'raw/2026/11/22/game server+1 ü€.json.gz',
          size: 5,
          etag: 'eb5c1399a871211c7e7ed732d15e3a8b',
          eventTime: '2026-11-23T09:24:46.828Z',
        },
      ],
    });
  });

  test('moto multipart completion and Copy are ObjectCreated too', () => {
    expect(parseS3Notification(MOTO_MULTIPART)).toEqual({
      kind: 'objects',
      objects: [
        {
          bucket: 'bkt-cap',
          key: 'raw/big.gz',
          size: 6291456,
          etag: 'b94c50b4c452824bfce770ed18d6f771-2',
          eventTime: '2026-11-23T09:24:47.122Z',
        },
      ],
    });
    expect(parseS3Notification(MOTO_COPY)).toMatchObject({
      kind: 'objects',
      objects: [{ key: 'raw/moved.gz', etag: '4715e35cf900ae14837e3c098e87d522' }],
    });
  });

  test('an AWS-shaped body with two records: both objects, unencoded slashes kept, sequencers carried', () => {
    expect(parseS3Notification(AWS_TWO_RECORDS)).toEqual({
      kind: 'objects',
      objects: [
        {
          bucket: 'game-telemetry',
          key: 'raw/2026/11/22/10/firehose-1-2026-11-22-10-00-00-abc.gz',
          size: 1024,
          etag: 'd41d8cd98f00b204e9800998ecf8427e',
          sequencer: '0055AED6DCD90281E5',
          eventTime: '2026-11-22T10:00:01.000Z',
        },
        {
          bucket: 'game-telemetry',
          key: 'raw/2026/11/22/10/big one.gz',
          size: 16_777_216,
          etag: '9b2cf535f27731c974343645a3985328-2',
          sequencer: '0055AED6DCD90281E6',
          eventTime: '2026-11-22T10:00:02.000Z',
        },
      ],
    });
  });

  test('SNS-wrapped notifications are unwrapped, TestEvents included', () => {
    expect(parseS3Notification(snsWrapped(MOTO_PUT))).toEqual(parseS3Notification(MOTO_PUT));
    expect(parseS3Notification(snsWrapped(AWS_TWO_RECORDS))).toEqual(parseS3Notification(AWS_TWO_RECORDS));
    expect(parseS3Notification(snsWrapped(MOTO_TEST_EVENT))).toEqual({ kind: 'ignored', reason: 's3:TestEvent' });
    // An SNS envelope that is not a Notification (a subscription confirmation) carries no objects.
    expect(
      parseS3Notification(
        JSON.stringify({ Type: 'SubscriptionConfirmation', Message: 'You have chosen to subscribe...' }),
      ).kind,
    ).toBe('ignored');
  });

  test('s3:TestEvent, from moto and as S3 sends it, is ignored', () => {
    expect(parseS3Notification(MOTO_TEST_EVENT)).toEqual({ kind: 'ignored', reason: 's3:TestEvent' });
    const aws = {
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Time: '2026-11-22T10:00:00.000Z',
      Bucket: 'game-telemetry',
      RequestId: '5582815E1AEA5ADF',
      HostId: '8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE',
    };
    expect(parseS3Notification(JSON.stringify(aws))).toEqual({ kind: 'ignored', reason: 's3:TestEvent' });
  });

  test('deletions and other events are ignored; in a mixed message only the created objects count', () => {
    const removed = JSON.stringify({
      Records: [record('ObjectRemoved:Delete', 'raw%2Fa.gz'), record('ObjectRestore:Completed', 'raw/b.gz')],
    });
    expect(parseS3Notification(removed)).toEqual({ kind: 'ignored', reason: 'no ObjectCreated record' });
    const mixed = JSON.stringify({
      Records: [record('ObjectRemoved:Delete', 'raw/a.gz'), record('ObjectCreated:Post', 'raw/c.gz')],
    });
    expect(parseS3Notification(mixed)).toEqual({
      kind: 'objects',
      objects: [{ bucket: 'b', key: 'raw/c.gz', size: 3, etag: 'abc' }],
    });
  });

  test('encoded keys: %2B is a plus, + is a space, %25 a percent sign, multi-byte UTF-8 and emoji', () => {
    const cases: Array<[string, string]> = [
      ['raw/a%2Bb+c.gz', 'raw/a+b c.gz'],
      ['raw%2F100%25+done.gz', 'raw/100% done.gz'],
      ['raw/%E6%97%A5%E6%9C%AC%2F%F0%9F%8E%AE.gz', 'raw/日本/🎮.gz'],
      ['raw/plain-key.gz', 'raw/plain-key.gz'],
    ];
    for (const [encoded, decoded] of cases) {
      const result = parseS3Notification(JSON.stringify({ Records: [record('ObjectCreated:Put', encoded)] }));
      expect(result, encoded).toMatchObject({ kind: 'objects', objects: [{ key: decoded }] });
    }
  });

  test('a key that is not valid URL encoding is ignored, without throwing, and the other records survive', () => {
    const broken = JSON.stringify({ Records: [record('ObjectCreated:Put', 'raw/%E0%A4%A.gz')] });
    expect(parseS3Notification(broken)).toEqual({ kind: 'ignored', reason: 'object key is not URL-encoded UTF-8' });
    const lonePercent = JSON.stringify({
      Records: [record('ObjectCreated:Put', 'raw/50%.gz'), record('ObjectCreated:Put', 'raw/ok.gz')],
    });
    expect(parseS3Notification(lonePercent)).toMatchObject({ kind: 'objects', objects: [{ key: 'raw/ok.gz' }] });
    expect((parseS3Notification(lonePercent) as { objects: unknown[] }).objects).toHaveLength(1);
  });

  test('junk never throws and is ignored', () => {
    const junk = [
      '',
      'not json',
      '{',
      'null',
      '42',
      '"a string"',
      '[]',
      '[{"Records": []}]',
      '{}',
      '{"Records": "nope"}',
      '{"Records": []}',
      '{"Records": [null, 5, "x", [], {}]}',
      '{"Records": [{"eventName": 1}, {"eventName": "ObjectCreated:Put"}, {"eventName": "ObjectCreated:Put", "s3": null}]}',
      '{"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, "object": {"key": 7}}}]}',
      '{"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": ""}, "object": {"key": "k"}}}]}',
      '{"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, "object": {"key": ""}}}]}',
      '{"Type": "Notification", "Message": "not json either"}',
      '{"Type": "Notification", "Message": {"Records": []}}',
      '{"Event": "s3:ObjectCreated:Put"}',
    ];
    for (const body of junk) {
      const result = parseS3Notification(body);
      expect(result.kind, body).toBe('ignored');
    }
  });

  test('odd field types are normalized: a non-number size is 0, quotes leave the eTag, a missing eTag is empty', () => {
    const body = JSON.stringify({
      Records: [
        {
          eventName: 'ObjectCreated:Put',
          s3: { bucket: { name: 'b' }, object: { key: 'raw/x.gz', size: '12', eTag: '"q"' } },
        },
        { eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key: 'raw/y.gz' } } },
      ],
    });
    expect(parseS3Notification(body)).toEqual({
      kind: 'objects',
      objects: [
        { bucket: 'b', key: 'raw/x.gz', size: 0, etag: 'q' },
        { bucket: 'b', key: 'raw/y.gz', size: 0, etag: '' },
      ],
    });
  });
});

describe('compareSequencers', () => {
  test('greater hex is later; the shorter is right-padded with zeros before comparing', () => {
    expect(compareSequencers('0055AED6DCD90281E5', '0055AED6DCD90281E6')).toBe(-1);
    expect(compareSequencers('0055AED6DCD90281E6', '0055AED6DCD90281E5')).toBe(1);
    expect(compareSequencers('0055AED6DCD90281E5', '0055aed6dcd90281e5')).toBe(0);
    // Right padding: '0056' is '005600' against '0055FF', so it is later despite being shorter.
    expect(compareSequencers('0056', '0055FF')).toBe(1);
    expect(compareSequencers('0055', '005500')).toBe(0);
  });
});
