import { createHash } from 'node:crypto';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { stem } from '../../src/contract/run-layout';
import { RunRequest } from '../../src/contract/run-payloads';
import { uploadTicket } from '../../src/contract/run-turns';

/** S3 event keys are form-encoded: `+` stands for a space, the rest is percent-encoded. */
export function decodeS3Key(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, ' '));
}

/**
 * A run id that is the same for every delivery of the same upload (S3 delivers events at least
 * once), so that the execution name deduplicates them: the file's stem for people to read, then
 * a hash of the object's identity (its version, or the event sequencer when unversioned).
 * At most 40 + 1 + 20 characters of `[A-Za-z0-9_-]`, a valid execution name.
 */
export function runIdFor(bucket: string, key: string, version: string): string {
  const readable = stem(key).replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
  const hash = createHash('sha256').update(`${bucket}/${key}/${version}`).digest('hex').slice(0, 20);
  return `${readable}-${hash}`;
}

/**
 * The uploads that start a run: CSV files, plain or gzip-compressed. The construct's S3
 * notifications filter on the same suffixes (src/batch-file-processor.ts).
 */
export const INPUT_SUFFIXES = ['.csv', '.csv.gz'] as const;

/** Whether a key names an input (case-insensitively: S3's suffix filter is not, so this accepts a superset). */
export function isInputKey(key: string): boolean {
  const lower = key.toLowerCase();
  return INPUT_SUFFIXES.some((suffix) => lower.endsWith(suffix));
}

function runRequestFor(record: S3EventRecord): RunRequest | undefined {
  if (!record.eventName.startsWith('ObjectCreated:')) return undefined;
  const bucket = record.s3.bucket.name;
  const key = decodeS3Key(record.s3.object.key);
  if (!isInputKey(key)) return undefined;
  const { versionId, sequencer } = record.s3.object;
  const runId = runIdFor(bucket, key, versionId ?? sequencer);
  // The same for every delivery of the event: a retried start queues where the first would have.
  const ticket = uploadTicket(record.eventTime, sequencer);
  return { runId, bucket, key, ...versionId === undefined ? {} : { versionId }, ...ticket === undefined ? {} : { ticket } };
}

/** The runs an S3 notification asks for: one per created `.csv` or `.csv.gz` object, each with its place in the run queue. */
export function runRequestsFrom(event: S3Event): RunRequest[] {
  return (event.Records ?? []).flatMap((record) => runRequestFor(record) ?? []);
}
