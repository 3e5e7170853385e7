import { UploadedInput } from './input-upload';
import { LocalCloud } from './local-cloud';
import { deliverNotification, ObjectCreatedEvent, objectCreatedEvent, sequencerOf } from './s3-notification';
import { namedError } from '../shared/named-error';

/** The inputs' S3 events, in the inputs' order, and why a run may not have started. */
export interface DeliveredEvents {
  readonly events: ObjectCreatedEvent[];
  /**
   * The first failure of a delivery: S3 or Lambda refused the event, or the trigger failed every attempt (the event is
   * then in its dead-letter queue; the error is the last attempt's). @default - every event reached the trigger
   */
  readonly failure?: Error;
}

/** Announces each upload to the trigger with its own `ObjectCreated:Put` event, as S3 does (`twice`: each delivered twice). */
export async function deliverInputEvents(
  cloud: LocalCloud, trigger: string, bucket: string, uploads: readonly UploadedInput[], twice = false,
): Promise<DeliveredEvents> {
  const events = uploads.map(({ key, size, eTag, versionId }, i) =>
    objectCreatedEvent(cloud.assembly.env.region, bucket, key, size, eTag, sequencerOf(Date.now(), i), versionId));
  const deliveries = events.flatMap((event) => (twice ? [event, event] : [event]));
  // S3 invokes the trigger as itself, for the bucket: the function's policy must allow it.
  const refusal = cloud.serviceInvokeRefusal('s3.amazonaws.com', trigger, `arn:aws:s3:::${bucket}`);
  const delivered = await Promise.allSettled(deliveries.map((event) => (refusal
    ? Promise.reject(namedError('AccessDeniedException', refusal))
    : deliverNotification(cloud.asyncInvocations, trigger, event))));
  const failure = delivered.map((d) => (d.status === 'rejected' ? d.reason as Error : d.value.succeeded ? undefined : d.value.error))
    .find((error) => error !== undefined);
  return { events, failure };
}
