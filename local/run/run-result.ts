/**
 * The result of a run whose executions have all ended: its files copied out of the bucket (those of each other
 * input's run too), its emails, rejected records, log, events and statistics, and how long each phase took.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { estimateCost } from './cost-model';
import { DeliveredEvents } from './input-events';
import { InputRuns } from './input-runs';
import { UploadedInput } from './input-upload';
import { LocalCloud } from './local-cloud';
import { bucketKeys, collectRun, CollectedRun, exportRejectedRecords, RejectedRecordItem, rejectedRecordsOf } from './run-collection';
import { RunStatistics, runStatistics } from './run-statistics';
import { runRequestsFrom } from '../../lambda-src/trigger/run-requests';
import { RUN_EVENT_SOURCE } from '../../src/contract/run-events';
import { ExecutionRecord } from '../engine/execution-record';
import { LambdaFunctionError } from '../lambda/lambda-host';
import { QueueMessage } from '../stand-ins/sqs-queues';
import { AssemblyProcessor } from '../template/assembly-manifest';

/** A run started by one of `concurrentInputs`. */
export interface ConcurrentRun {
  readonly inputKey: string;
  readonly runId: string;
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly records: { total: number; valid: number; rejected: number };
  readonly output: string | null;
  readonly rejects: string | null;
}

export interface LocalRunResult {
  readonly runId: string;
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly error: { code: string; message: string } | null;
  readonly records: { total: number; valid: number; rejected: number };
  readonly chunks: number;
  /** Local path of the merged CSV, or null when nothing was published. */
  readonly output: string | null;
  readonly rejects: string | null;
  readonly summary: string | null;
  readonly emails: Array<{ to: string; subject: string; text: string }>;
  readonly stats: RunStatistics;
  readonly estimatedAwsCostUsd: number;
  readonly costBreakdownUsd: ReturnType<typeof estimateCost>;
  /** The construct path of the processor that ran, e.g. `MyStack/Orders`. */
  readonly processor: string;
  /** Wall time from the app's `startedAt` to the result: synthesis, stand-ins, loading table data, the run and collecting its files. */
  readonly durationMs: number;
  /**
   * Where `durationMs` went: `setup` (synthesis, stand-ins, resources, table data and upload; `lookup` is the
   * table data's part of it), `run` (from the S3 event to the end of every execution), `collect` (the rest).
   */
  readonly phasesMs: { setup: number; lookup: number; run: number; collect: number };
  /** Where the functions' stdout/stderr went. */
  readonly log: string;
  /** The input's key, and every key left in the bucket at the end (to check what was archived, published, kept). */
  readonly inputKey: string;
  readonly objects: string[];
  /** The run's items in the rejected-records table, one JSON object per line in line order: a local file, or null when there are none. */
  readonly rejectedRecordsFile: string | null;
  /** The run's items in the rejected-records table, in line order, when the test hook `readRejectedRecords` is set. */
  readonly rejectedRecords?: RejectedRecordItem[];
  /** The runs of `concurrentInputs`, in the order given. */
  readonly concurrentRuns?: ConcurrentRun[];
  /** How the orchestrator's execution ended: SUCCEEDED, FAILED, TIMED_OUT or ABORTED; NOT_STARTED when the S3 event or the trigger failed. */
  readonly executionStatus: string;
  /** How many times the run was redriven (`redrive`). */
  readonly redrives: number;
  /** The run events (source `cdk-batch-file-processor`) put on the event buses, in order. */
  readonly runEvents: Array<{ readonly detailType: string; readonly detail: any }>;
  /** Events EventBridge could not deliver to a target after every retry (its dead-letter queue). */
  readonly deadLetters: number;
  /**
   * What was sent to the template's SQS queues, in order: events a rule's target did not take (the event as the
   * body), invocation records Lambda sent to an on-failure destination, events it sent to a function's dead-letter queue.
   */
  readonly queueMessages: QueueMessage[];
}

/** A run whose executions have all ended, and what led to them. */
export interface EndedRun {
  readonly processor: AssemblyProcessor;
  readonly bucket: string;
  readonly uploads: readonly UploadedInput[];
  readonly delivered: DeliveredEvents;
  readonly runs: InputRuns;
  readonly redrives: number;
  /** The chunks the Distributed Map reported: the count of a run without a summary. */
  readonly chunksTotal: number;
  /** Epoch ms: when the work began (synthesis), the run began (the S3 events) and ended; and how long table data took to load. */
  readonly times: { readonly started: number; readonly runStarted: number; readonly runEnded: number; readonly lookupMs: number };
}

export interface ResultOptions {
  /** Where the run's files go. @default `.local-runs/<runId>/` */
  readonly outDir?: string;
  /** Read the run's items from the rejected-records table into `rejectedRecords`. @default false */
  readonly readRejectedRecords?: boolean;
}

const runStatus = (execution: ExecutionRecord, summaryStatus?: string): 'SUCCEEDED' | 'FAILED' =>
  (execution.status === 'SUCCEEDED' && summaryStatus !== 'FAILED' ? 'SUCCEEDED' : 'FAILED');

/** Collects the first input's run into the result (the counters read last: collecting is part of the run's traffic). */
export async function collectResult(cloud: LocalCloud, run: EndedRun, options: ResultOptions): Promise<LocalRunResult> {
  const { processor, bucket, times } = run;
  const [execution, ...others] = run.runs.byInput;
  const [{ key: inputKey }, ...otherUploads] = run.uploads;
  const runId = execution?.name ?? runRequestsFrom(run.delivered.events[0])[0].runId;
  const outDir = path.resolve(options.outDir ?? path.join('.local-runs', runId));
  const { outputPrefix } = processor.resources;
  const { output, rejects, summaryFile, summary } = await collectRun(cloud.s3, bucket, outputPrefix, runId, inputKey, outDir);
  const status = execution ? runStatus(execution, summary.status) : 'FAILED';
  const concurrentRuns = await collectConcurrentRuns(cloud, bucket, outputPrefix, otherUploads, others, outDir);
  const sent = await cloud.standIns.sentEmails();
  const objects = await bucketKeys(cloud.s3, bucket);
  const rejectedRecordsTable: string = cloud.resolve(processor.resources.rejectedRecordsTableName);
  const rejectedRecordsFile = await exportRejectedRecords(cloud.dynamodb, rejectedRecordsTable, runId, path.join(outDir, 'rejected-records.jsonl'));
  const rejectedRecords = options.readRejectedRecords ? await rejectedRecordsOf(cloud.dynamodb, rejectedRecordsTable, runId) : undefined;
  await cloud.flushLog();
  const log = path.join(outDir, 'lambda.log');
  fs.copyFileSync(cloud.logFile, log);
  const { stats, cost } = await runStatistics(cloud, sent.length, run.runs.executions.length);
  const finished = Date.now();
  return {
    runId,
    processor: processor.path,
    status,
    error: status === 'SUCCEEDED' ? null : runError(summary, execution, run.delivered.failure),
    records: summary.records ?? { total: 0, valid: 0, rejected: 0 },
    chunks: summary.chunks ?? run.chunksTotal,
    output,
    rejects,
    summary: summaryFile,
    emails: sent.map((e) => ({ to: e.to.join(', '), subject: e.subject, text: e.text })),
    stats,
    executionStatus: execution?.status ?? 'NOT_STARTED',
    redrives: run.redrives,
    runEvents: cloud.eventBridge.events
      .filter(({ event }) => event.source === RUN_EVENT_SOURCE)
      .map(({ event }) => ({ detailType: event['detail-type'], detail: event.detail })),
    deadLetters: cloud.eventBridge.deadLetters.length,
    queueMessages: [...cloud.queues.messages],
    estimatedAwsCostUsd: cost.total,
    costBreakdownUsd: cost,
    durationMs: finished - times.started,
    phasesMs: {
      setup: times.runStarted - times.started, lookup: times.lookupMs, run: times.runEnded - times.runStarted, collect: finished - times.runEnded,
    },
    log,
    rejectedRecordsFile,
    inputKey,
    objects,
    ...(rejectedRecords ? { rejectedRecords } : {}),
    ...(concurrentRuns ? { concurrentRuns } : {}),
  };
}

/** Each other input's run, its files under `<outDir>/<runId>/`; undefined when there is no other input. */
async function collectConcurrentRuns(
  cloud: LocalCloud, bucket: string, outputPrefix: string, uploads: readonly UploadedInput[],
  executions: ReadonlyArray<ExecutionRecord | undefined>, outDir: string,
): Promise<ConcurrentRun[] | undefined> {
  if (uploads.length === 0) return undefined;
  const concurrentRuns: ConcurrentRun[] = [];
  for (const [i, { key }] of uploads.entries()) {
    const run = executions[i];
    if (!run) throw new Error(`The trigger did not start a run for ${key}`);
    const collected = await collectRun(cloud.s3, bucket, outputPrefix, run.name, key, path.join(outDir, run.name));
    concurrentRuns.push({
      inputKey: key,
      runId: run.name,
      status: runStatus(run, collected.summary.status),
      records: collected.summary.records ?? { total: 0, valid: 0, rejected: 0 },
      output: collected.output,
      rejects: collected.rejects,
    });
  }
  return concurrentRuns;
}

/** Why the run failed: as its summary says, else as its execution ended, else why it never started. */
function runError(summary: CollectedRun['summary'], execution: ExecutionRecord | undefined, deliveryFailure: Error | undefined) {
  const notStarted = (failure: Error) => ({
    code: failure.name,
    message: failure instanceof LambdaFunctionError ? failure.payload.errorMessage : failure.message,
  });
  return summary.error ?? (execution
    ? { code: execution.error ?? 'Unknown', message: execution.cause ?? 'the execution failed' }
    : notStarted(deliveryFailure!));
}
