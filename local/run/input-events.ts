import { UploadedInput } from './input-upload';
import { LocalCloud } from './local-cloud';
import { deliverNotification, ObjectCreatedEvent, objectCreatedEvent, sequencerOf } from './s3-notification';
import { namedError } from '../shared/named-error';

/** The inputs' S3 events, in the inputs' order, and why a run may not have started. */
export interface DeliveredEvents {
  readonly events: ObjectCreatedEvent[];
  /**
   * Each input's delivery failure, in the inputs' order: S3 or Lambda refused its event, or the trigger failed every
   * attempt (the event is then in its dead-letter queue; the error is the last attempt's). Undefined where the event
   * reached the trigger.
   */
  readonly failures: ReadonlyArray<Error | undefined>;
}

/** Announces each upload to the trigger with its own `ObjectCreated:Put` event, as S3 does (`twice`: each delivered twice). */
export async function deliverInputEvents(
  cloud: LocalCloud, trigger: string, bucket: string, uploads: readonly UploadedInput[], twice = false,
): Promise<DeliveredEvents> {
  const events = uploads.map(({ key, size, eTag, versionId }, i) =>
    objectCreatedEvent(cloud.assembly.env.region, bucket, key, size, eTag, sequencerOf(Date.now(), i), versionId));
  // S3 invokes the trigger as itself, for the bucket: the function's policy must allow it.
  const refusal = cloud.serviceInvokeRefusal('s3.amazonaws.com', trigger, `arn:aws:s3:::${bucket}`);
  const deliver = async (event: ObjectCreatedEvent): Promise<Error | undefined> => {
    if (refusal) return namedError('AccessDeniedException', refusal);
    try {
      const outcome = await deliverNotification(cloud.asyncInvocations, trigger, event);
      return outcome.succeeded ? undefined : outcome.error;
    } catch (error) {
      return error as Error;
    }
  };
  const failures = await Promise.all(events.map(async (event) => {
    const delivered = await Promise.all((twice ? [event, event] : [event]).map(deliver));
    return delivered.find((failure) => failure !== undefined);
  }));
  return { events, failures };
}
