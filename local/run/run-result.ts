/**
 * The result of a run whose executions have all ended: each input's run (its files copied out of the bucket), the
 * totals, and the local cloud's emails, log, events and statistics, and how long each phase took.
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

type RunStatus = 'SUCCEEDED' | 'FAILED';
type RunError = { code: string; message: string };
type RecordCounts = { total: number; valid: number; rejected: number };

/** The run of one input: its files are under `outDir` for the first input, under `<outDir>/<runId>/` for the others. */
export interface InputRun {
  /** The local file uploaded. */
  readonly input: string;
  readonly inputKey: string;
  readonly runId: string;
  readonly status: RunStatus;
  readonly error: RunError | null;
  /** How its execution ended; NOT_STARTED when its S3 event or the trigger failed. */
  readonly executionStatus: string;
  readonly records: RecordCounts;
  readonly chunks: number;
  readonly output: string | null;
  readonly rejects: string | null;
  readonly summary: string | null;
  readonly rejectedRecordsFile: string | null;
  readonly redrives: number;
}

/** Every input's runs together. */
export interface RunTotals {
  readonly runs: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly records: RecordCounts;
}

/** The first input's run at the top level (all there is with one input), each input's in `runs`, and their `totals`. */
export interface LocalRunResult {
  readonly runId: string;
  readonly status: RunStatus;
  readonly error: RunError | null;
  readonly records: RecordCounts;
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
  /** Each input's run, in the order given: `input`, then `concurrentInputs`. */
  readonly runs: InputRun[];
  readonly totals: RunTotals;
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
  /** Each input's redrives. */
  readonly redrives: readonly number[];
  /** The chunks the Distributed Maps reported, over every run: the count of a single run without a summary. */
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

const runStatus = (execution: ExecutionRecord, summaryStatus?: string): RunStatus =>
  (execution.status === 'SUCCEEDED' && summaryStatus !== 'FAILED' ? 'SUCCEEDED' : 'FAILED');

/**
 * Collects every input's run into the result, the first's at the top level (the counters read last: collecting is part
 * of the run's traffic).
 */
export async function collectResult(cloud: LocalCloud, run: EndedRun, options: ResultOptions): Promise<LocalRunResult> {
  const { processor, bucket, times } = run;
  const outDir = path.resolve(options.outDir ?? path.join('.local-runs', runIdOf(run, 0)));
  const rejectedRecordsTable: string = cloud.resolve(processor.resources.rejectedRecordsTableName);
  const runs: InputRun[] = [];
  for (const i of run.uploads.keys()) {
    runs.push(await collectInputRun(cloud, run, i, rejectedRecordsTable, i === 0 ? outDir : path.join(outDir, runIdOf(run, i))));
  }
  const [first] = runs;
  const sent = await cloud.standIns.sentEmails();
  const objects = await bucketKeys(cloud.s3, bucket);
  const rejectedRecords = options.readRejectedRecords ? await rejectedRecordsOf(cloud.dynamodb, rejectedRecordsTable, first.runId) : undefined;
  await cloud.flushLog();
  const log = path.join(outDir, 'lambda.log');
  fs.copyFileSync(cloud.logFile, log);
  const { stats, cost } = await runStatistics(cloud, sent.length, run.runs.executions.length);
  const finished = Date.now();
  return {
    runId: first.runId,
    processor: processor.path,
    status: first.status,
    error: first.error,
    records: first.records,
    chunks: first.chunks,
    output: first.output,
    rejects: first.rejects,
    summary: first.summary,
    emails: sent.map((e) => ({ to: e.to.join(', '), subject: e.subject, text: e.text })),
    stats,
    executionStatus: first.executionStatus,
    redrives: first.redrives,
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
    rejectedRecordsFile: first.rejectedRecordsFile,
    inputKey: first.inputKey,
    objects,
    ...(rejectedRecords ? { rejectedRecords } : {}),
    runs,
    totals: totalsOf(runs),
  };
}

/** The `i`th input's run id: its execution's name, or the one the trigger would have given it. */
const runIdOf = (run: EndedRun, i: number): string => run.runs.byInput[i]?.name ?? runRequestsFrom(run.delivered.events[i])[0].runId;

/** The `i`th input's run, its files copied into `outDir`. */
async function collectInputRun(cloud: LocalCloud, run: EndedRun, i: number, rejectedRecordsTable: string, outDir: string): Promise<InputRun> {
  const { file: input, key: inputKey } = run.uploads[i];
  const execution = run.runs.byInput[i];
  const runId = runIdOf(run, i);
  const collected = await collectRun(cloud.s3, run.bucket, run.processor.resources.outputPrefix, runId, inputKey, outDir);
  const status = execution ? runStatus(execution, collected.summary.status) : 'FAILED';
  const failure = run.delivered.failures[i];
  return {
    input,
    inputKey,
    runId,
    status,
    error: status === 'SUCCEEDED' ? null : runError(collected.summary, execution, failure, inputKey),
    executionStatus: execution?.status ?? 'NOT_STARTED',
    records: collected.summary.records ?? { total: 0, valid: 0, rejected: 0 },
    // Without a summary, the Distributed Map's count stands for it when it is the only run (the count covers every run).
    chunks: collected.summary.chunks ?? (run.uploads.length === 1 ? run.chunksTotal : 0),
    output: collected.output,
    rejects: collected.rejects,
    summary: collected.summaryFile,
    rejectedRecordsFile: await exportRejectedRecords(cloud.dynamodb, rejectedRecordsTable, runId, path.join(outDir, 'rejected-records.jsonl')),
    redrives: run.redrives[i],
  };
}

function totalsOf(runs: readonly InputRun[]): RunTotals {
  const succeeded = runs.filter((r) => r.status === 'SUCCEEDED').length;
  const sum = (count: keyof RecordCounts) => runs.reduce((n, r) => n + r.records[count], 0);
  return { runs: runs.length, succeeded, failed: runs.length - succeeded, records: { total: sum('total'), valid: sum('valid'), rejected: sum('rejected') } };
}

/** Why a run failed: as its summary says, else as its execution ended, else why it never started. */
function runError(summary: CollectedRun['summary'], execution: ExecutionRecord | undefined, deliveryFailure: Error | undefined, inputKey: string): RunError {
  if (summary.error) return summary.error;
  if (execution) return { code: execution.error ?? 'Unknown', message: execution.cause ?? 'the execution failed' };
  // The event reached the trigger, which started no run for the key.
  if (!deliveryFailure) return { code: 'NotStarted', message: `the trigger started no run for ${inputKey}` };
  return {
    code: deliveryFailure.name,
    message: deliveryFailure instanceof LambdaFunctionError ? deliveryFailure.payload.errorMessage : deliveryFailure.message,
  };
}
