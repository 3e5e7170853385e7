import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ChunkFailure, explainMapFailure, failedChunkIndexes, isChunkMapFailure } from './notify/chunk-failures';
import { FailureCause, parseFailure } from './notify/failure-cause';
import { ResultLinks, notificationEmail, recipientsFrom } from './notify/notification-email';
import { buildRunSummary } from './notify/run-summary';
import { ChunkRef, NotifyTask, RunPlan } from './shared/contracts';
import { bucketFromEnv, positiveIntEnv, requiredEnv } from './shared/handler-env';
import { log } from './shared/logger';
import { RunLayout, prefixesFromEnv } from './shared/run-layout';
import { deleteObject, isMissingObject, objectExists, readJson, s3Client, writeJson } from './shared/s3-objects';

/** Failed chunks whose errors are read and named in the summary and the email. */
const NAMED_CHUNK_FAILURES = 3;

async function startedAt(bucket: string, layout: RunLayout): Promise<string | undefined> {
  try {
    return (await readJson<RunPlan>({ bucket, key: layout.runPlanKey })).startedAt;
  } catch (error) {
    // A run that failed before split-input wrote its plan has no start time to report.
    if (isMissingObject(error)) return undefined;
    throw error;
  }
}

/**
 * A Map that gave up on its chunks says only that: the failed chunks' own errors are read from
 * the records the chunk processor wrote. Reading them must not stop the failure from being
 * reported, so any error here keeps the Map's failure as it was.
 */
async function withChunkFailures(bucket: string, layout: RunLayout, failure: FailureCause): Promise<FailureCause> {
  try {
    const prefix = layout.chunkFailuresPrefix;
    const listing = await s3Client().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    const indexes = failedChunkIndexes((listing.Contents ?? []).map((object) => object.Key ?? ''), prefix);
    if (indexes.length === 0) return failure;
    const manifest = await readJson<ChunkRef[]>({ bucket, key: layout.manifestKey }).catch(() => [] as ChunkRef[]);
    const failures: ChunkFailure[] = await Promise.all(indexes.slice(0, NAMED_CHUNK_FAILURES).map(async (chunk) => {
      const record = await s3Client().send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}${chunk}` }));
      const cause = parseFailure({ Error: record.Metadata?.error, Cause: await record.Body?.transformToString('utf8') });
      return { chunk, firstLine: manifest[chunk]?.firstLine, cause };
    }));
    return explainMapFailure(failure, failures, indexes.length);
  } catch (error) {
    log.warn('chunk failure records not read', { runId: layout.runId, error: (error as Error).name });
    return failure;
  }
}

/**
 * Ends a run: writes the run summary and emails it. A failed run's published output is deleted
 * first, so that a failed run leaves nothing behind for consumers to pick up.
 */
export async function handler(task: NotifyTask): Promise<{ summaryKey: string; emailed: boolean }> {
  const bucket = bucketFromEnv();
  const layout = new RunLayout(prefixesFromEnv(), task.runId, task.key);
  let failure = task.status === 'FAILED' ? parseFailure(task.error) : undefined;
  if (failure && isChunkMapFailure(failure)) failure = await withChunkFailures(bucket, layout, failure);

  if (failure) {
    const outputKey = task.split?.outputKey ?? layout.outputKey;
    if (await objectExists({ bucket, key: outputKey })) {
      await deleteObject({ bucket, key: outputKey });
      log.info('deleted the output of a failed run', { runId: task.runId, key: outputKey });
    }
  }

  const summary = buildRunSummary(task, { finishedAt: new Date(), startedAt: await startedAt(bucket, layout), failure });
  const summaryKey = task.split?.summaryKey ?? layout.summaryKey;
  await writeJson({ bucket, key: summaryKey }, summary);
  log.info('run summary written', { runId: task.runId, status: task.status, key: summaryKey, records: summary.records, error: failure?.code });

  let links: ResultLinks | undefined;
  if (summary.output !== undefined && summary.rejects !== undefined) {
    // A URL signed with the function role's temporary credentials stops working when that
    // session expires (at most a few hours), whatever expiresIn says.
    const expiresIn = positiveIntEnv('LINK_EXPIRY_SECONDS', 86_400);
    const link = (key: string) => getSignedUrl(s3Client(), new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn });
    links = { output: await link(summary.output), rejects: await link(summary.rejects), expiresInSeconds: expiresIn };
  }

  const recipients = recipientsFrom(process.env.EMAIL_RECIPIENTS);
  if (recipients.length === 0) return { summaryKey, emailed: false };
  const sender = requiredEnv('EMAIL_SENDER');
  const email = notificationEmail(summary, links);
  try {
    await new SESv2Client({}).send(new SendEmailCommand({
      FromEmailAddress: sender,
      Destination: { ToAddresses: recipients },
      Content: { Simple: { Subject: { Data: email.subject, Charset: 'UTF-8' }, Body: { Text: { Data: email.text, Charset: 'UTF-8' } } } },
    }));
  } catch (error) {
    // The run's outcome is already recorded in the summary; failing here would turn a
    // successful run into a failed one (and delete its output) because an email bounced.
    log.error('notification email not sent', { runId: task.runId, error: (error as Error).name });
    return { summaryKey, emailed: false };
  }
  log.info('notification emailed', { runId: task.runId, recipients: recipients.length });
  return { summaryKey, emailed: true };
}
