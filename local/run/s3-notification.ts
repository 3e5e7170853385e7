import { AsyncInvocations, AsyncOutcome } from '../lambda/async-invocation';

/** The S3 `ObjectCreated:Put` notification exactly as S3 sends it to a Lambda destination. */
export function objectCreatedEvent(region: string, bucket: string, key: string, size: number, eTag: string, sequencer: string, versionId?: string) {
  return {
    Records: [{
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: region,
      eventTime: new Date().toISOString(),
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: 'AWS:LOCALUSER' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': sequencer, 'x-amz-id-2': sequencer },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'local',
        bucket: { name: bucket, ownerIdentity: { principalId: 'LOCAL' }, arn: `arn:aws:s3:::${bucket}` },
        // S3 URL-encodes keys in notifications, with spaces as '+'.
        object: { key: encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/'), size, eTag: eTag.replace(/"/g, ''), ...(versionId ? { versionId } : {}), sequencer },
      },
    }],
  };
}

export type ObjectCreatedEvent = ReturnType<typeof objectCreatedEvent>;

/** A sequencer as S3 makes them: increasing hexadecimal, the same for every delivery of one event. */
export function sequencerOf(time: number, index: number): string {
  return (time * 1000 + index).toString(16).toUpperCase().padStart(16, '0');
}

/**
 * Delivers a notification the way S3 invokes a function: asynchronously, Lambda retrying the function's errors and
 * giving up an event that failed every attempt to the function's dead-letter queue. Rejects when Lambda refuses the
 * event (no such function, a payload over 1 MB); otherwise resolves with what became of it once Lambda is done with it.
 */
export async function deliverNotification(lambda: AsyncInvocations, functionName: string, event: ObjectCreatedEvent): Promise<AsyncOutcome> {
  return lambda.accept(functionName, event).outcome;
}
