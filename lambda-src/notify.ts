/**
 * notify: ends a run, either way.
 * - From the orchestrator's last step (`RunSucceededTask`): publishes the staged output and
 *   rejects, removes the input, writes the summary, emails it with links and puts the
 *   `Batch Run Succeeded` event.
 * - From the orchestrator's status change to FAILED, TIMED_OUT or ABORTED (EventBridge):
 *   removes whatever was published, writes the summary naming the failed step and how to redrive,
 *   emails it and puts the `Batch Run Failed` event.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { explainedByChunkFailures } from './notify/chunk-failure-records';
import { isChunkMapFailure } from './notify/chunk-failures';
import { readFailedStep } from './notify/execution-history';
import { ResultLinks, notificationEmail } from './notify/notification-email';
import { publishRun, removeInput, unpublishRun } from './notify/publication';
import { putRunEvent, runEventOf } from './notify/run-event';
import { failureOfExecution, redriveInstructions } from './notify/run-failure';
import { runMetricsLine } from './notify/run-metrics';
import { failedRunSummary, succeededRunSummary } from './notify/run-summary';
import { s3Client, sesClient } from './shared/aws-clients';
import { log } from './shared/logger';
import { objectExists, readJson, writeJson } from './shared/s3-objects';
import { DecodedBy } from '../src/contract/environment-variables';
import { NOTIFY_ENVIRONMENT } from '../src/contract/handler-environment';
import { PublishedFiles, WorkFiles } from '../src/contract/run-layout';
import { ExecutionStatusChange, NotifyEvent, NotifyResult, RunPlan, RunRequest, RunSucceededTask, RunSummary } from '../src/contract/run-payloads';

type NotifySettings = DecodedBy<typeof NOTIFY_ENVIRONMENT>;

/**
 * The run plan; undefined for a run that failed before split-input wrote it. Listed, then read: a read
 * of a missing key is answered 404 only to a role that may list the bucket, else 403 (S3 GetObject).
 */
async function runPlanOf(bucket: string, work: WorkFiles): Promise<RunPlan | undefined> {
  const plan = { bucket, key: work.runPlanKey };
  return await objectExists(plan) ? readJson<RunPlan>(plan) : undefined;
}

export async function handler(event: NotifyEvent): Promise<NotifyResult> {
  const settings = NOTIFY_ENVIRONMENT.decode(process.env);
  return 'detail-type' in event ? reportFailure(event, settings) : publishSucceededRun(event, settings);
}

async function publishSucceededRun(task: RunSucceededTask, settings: NotifySettings): Promise<NotifyResult> {
  const { bucket } = settings;
  await publishRun(bucket, task.merge, { multipartThreshold: settings.copyMultipartThreshold });
  await removeInput(task.bucket, task.key);
  const plan = await runPlanOf(bucket, new WorkFiles(settings.workPrefix, task.runId));
  const summary = succeededRunSummary(task, { finishedAt: new Date(), startedAt: plan?.startedAt });
  const metrics = runMetricsLine(summary, task.merge.failedChunks, new Date());
  if (metrics) process.stdout.write(`${metrics}\n`);
  return finish(settings, summary, task.split.summaryKey, await linksTo(settings, summary));
}

async function reportFailure(event: ExecutionStatusChange, settings: NotifySettings): Promise<NotifyResult> {
  const { bucket } = settings;
  const { detail } = event;
  const runId = detail.name;
  // The input is the RunRequest the trigger started the run with (a few hundred bytes, always included).
  const request = JSON.parse(detail.input ?? '{}') as Partial<RunRequest>;
  const key = request.key ?? '';
  const work = new WorkFiles(settings.workPrefix, runId);
  const published = new PublishedFiles(settings.outputPrefix, runId, key);
  let failure = failureOfExecution(detail);
  if (isChunkMapFailure(failure)) failure = await explainedByChunkFailures(bucket, work, failure);
  await unpublishRun(bucket, [published.outputKey, published.rejectsKey], runId);
  const plan = await runPlanOf(bucket, work);
  const summary = failedRunSummary({
    runId,
    executionArn: detail.executionArn,
    input: { bucket: request.bucket ?? bucket, key },
    failure,
    failedStep: await readFailedStep(detail.executionArn),
    redrive: redriveInstructions(detail.executionArn, detail.stopDate),
    redriveCount: detail.redriveCount,
    chunks: plan?.chunkCount,
    startedAt: plan?.startedAt,
    finishedAt: detail.stopDate ? new Date(detail.stopDate) : new Date(),
  });
  return finish(settings, summary, published.summaryKey);
}

/** Presigned GET links to the published files. */
async function linksTo(settings: NotifySettings, summary: RunSummary): Promise<ResultLinks | undefined> {
  if (summary.output === undefined || summary.rejects === undefined) return undefined;
  // A URL signed with the function role's temporary credentials stops working when that
  // session expires (at most a few hours), whatever expiresIn says.
  const expiresIn = settings.linkExpirySeconds;
  const link = (key: string) => getSignedUrl(s3Client(), new GetObjectCommand({ Bucket: settings.bucket, Key: key }), { expiresIn });
  return { output: await link(summary.output), rejects: await link(summary.rejects), expiresInSeconds: expiresIn };
}

/** Writes the summary, emails it and puts the run event: the same ending for every run. */
async function finish(settings: NotifySettings, summary: RunSummary, summaryKey: string, links?: ResultLinks): Promise<NotifyResult> {
  await writeJson({ bucket: settings.bucket, key: summaryKey }, summary);
  log.info('run summary written', { runId: summary.runId, status: summary.status, key: summaryKey, records: summary.records, error: summary.error?.code });
  const emailed = await sendEmail(settings.email, summary, links);
  await putRunEvent(runEventOf(summary, summaryKey, settings.eventBusName));
  return { summaryKey, emailed };
}

async function sendEmail(to: NotifySettings['email'], summary: RunSummary, links: ResultLinks | undefined): Promise<boolean> {
  if (to === undefined || to.recipients.length === 0) return false;
  const { sender, recipients, configurationSet } = to;
  const email = notificationEmail(summary, links);
  try {
    await sesClient().send(new SendEmailCommand({
      FromEmailAddress: sender,
      Destination: { ToAddresses: recipients },
      Content: { Simple: { Subject: { Data: email.subject, Charset: 'UTF-8' }, Body: { Text: { Data: email.text, Charset: 'UTF-8' } } } },
      ConfigurationSetName: configurationSet,
    }));
  } catch (error) {
    // The run's outcome is already recorded in the summary; failing here would turn a
    // successful run into a failed one (and unpublish its output) because an email bounced.
    log.error('notification email not sent', { runId: summary.runId, error: (error as Error).name });
    return false;
  }
  log.info('notification emailed', { runId: summary.runId, recipients: recipients.length });
  return true;
}
