// local/ is development tooling, left out of the npm package: it runs on devDependencies.
/* eslint-disable import/no-extraneous-dependencies */
/**
 * A run of a processor of a synthesized app, end to end: its local cloud started, table data loaded,
 * the input uploaded and its S3 event delivered, the workflows run to the end (a failed run redriven once
 * with `redrive`), and what the run published collected. What the app or the files given do not allow is
 * a {@link UsageError}, raised before anything starts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { AccessControlOptions } from './access-control';
import { estimateCost } from './cost-model';
import { LocalCloud } from './local-cloud';
import { bucketKeys, collectRun, exportRejectedRecords, RejectedRecordItem, rejectedRecordsOf } from './run-collection';
import { resetCounters, RunStatistics, runStatistics } from './run-statistics';
import { deliverNotification, objectCreatedEvent, sequencerOf } from './s3-notification';
import { runRequestsFrom } from '../../lambda-src/trigger/run-requests';
import { RUN_EVENT_SOURCE } from '../../src/contract/run-events';
import { ExecutionRecord } from '../engine/step-functions';
import { LambdaFunctionError } from '../lambda/lambda-host';
import { readEndpointData } from '../stand-ins/endpoint-data';
import { FaultPlan } from '../stand-ins/fault-injection';
import { QueueMessage } from '../stand-ins/sqs-queues';
import { checkTableData, loadTableData, TableData } from '../stand-ins/table-data';
import { AssemblyProcessor, AssemblyStack, selectProcessor } from '../template/assembly-manifest';
import { stackTables } from '../template/cloud-assembly';
import { UsageError } from '../template/usage-error';

export type { RejectedRecordItem } from './run-collection';

/** Fixture data for a table of the app: a CSV file with a header, or JSON Lines of items (`.jsonl`, `.ndjson`). */
export interface TableDataFile {
  /** The table's construct path, e.g. `MyStack/Financials`. */
  readonly path: string;
  readonly file: string;
}

/** How a processor of a synthesized app is run. */
export interface AppRunOptions extends AccessControlOptions {
  /** The CSV file to process. */
  readonly input: string;
  /** The construct path of the processor to run, e.g. `MyStack/Orders`. @default - the app's only processor */
  readonly processor?: string;
  /** Data loaded into tables of the processor's stack before the run, as a restore would: not counted. @default none */
  readonly tableData?: readonly TableDataFile[];
  /**
   * A CSV file that answers the HTTP endpoint enrichers whose URL is outside the app (per-record GET keyed by
   * the URL's `{column}` placeholders, batch POST keyed by the file's first column). @default - they are called at their URL
   */
  readonly endpointData?: string;
  /** Where output, rejects, summary and the functions' log go. @default `.local-runs/<runId>/` */
  readonly outDir?: string;
  /** Deliver the S3 event notification twice (S3 delivers at least once). @default false */
  readonly deliverEventTwice?: boolean;
  /** Transient faults to inject (probabilities per request/invocation). */
  readonly faults?: FaultPlan;
  /**
   * S3's first-byte latency to model: every S3 response starts this many ms later, for every request
   * (the handlers', the state machines' and the runner's own setup and collection: a handful). @default 0
   */
  readonly s3LatencyMs?: number;
  /** Wait before each retry of a state, in ms, instead of the definition's intervals. @default 25 */
  readonly retryIntervalMs?: number;
  readonly onProgress?: (progress: RunProgress) => void;
  /** Read the run's items from the rejected-records table into `rejectedRecords`. @default false */
  readonly readRejectedRecords?: boolean;
  /**
   * More files uploaded at the same moment as `input`, each announced by its own S3 event: they run side by
   * side as separate runs, reported in `concurrentRuns` (their files under `<outDir>/<runId>/`). @default none
   */
  readonly concurrentInputs?: readonly string[];
  /**
   * When the run fails, end the injected faults and redrive its execution once (from the failed
   * step; in the Distributed Map only the chunks that failed or never started), as
   * `aws stepfunctions redrive-execution` would. The result then describes the redriven run. @default false
   */
  readonly redrive?: boolean;
  /** Stop (abort) the run's execution once this many chunks are done, as StopExecution would. @default never */
  readonly abortAfterChunks?: number;
}

/** A run started by one of `concurrentInputs`. */
export interface ConcurrentRun {
  readonly inputKey: string;
  readonly runId: string;
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly records: { total: number; valid: number; rejected: number };
  readonly output: string | null;
  readonly rejects: string | null;
}

export interface RunProgress {
  /** The processor's chunk size: records per chunk, the last one excepted. */
  readonly recordsPerChunk: number;
  readonly chunksTotal: number;
  readonly chunksDone: number;
  readonly chunksFailed: number;
  readonly elapsedMs: number;
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
  /** The run's items in the rejected-records table, in line order, when `readRejectedRecords` is set. */
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

/** A synthesized app, with the processor to run (by default) and its table data. */
export interface AppToRun {
  readonly stacks: readonly AssemblyStack[];
  /** The construct path of the processor to run when `processor` is not given. @default - the app's only processor */
  readonly processor?: string;
  /** Table data the app comes with, loaded before that of `tableData`. @default none */
  readonly tableData?: readonly TableDataFile[];
  /** When the work began (its synthesis), in epoch ms: `durationMs` and the setup phase count from it. @default when the run starts */
  readonly startedAt?: number;
}

const runStatus = (execution: ExecutionRecord, summaryStatus?: string): 'SUCCEEDED' | 'FAILED' =>
  (execution.status === 'SUCCEEDED' && summaryStatus !== 'FAILED' ? 'SUCCEEDED' : 'FAILED');

/** Runs a processor of the app on this machine (see the module's comment). */
export async function runApp(app: AppToRun, options: AppRunOptions): Promise<LocalRunResult> {
  const started = app.startedAt ?? Date.now();
  const processor = selectProcessor(app.stacks, options.processor ?? app.processor);
  const tableData = await checkedTableData(processor.stack, [...app.tableData ?? [], ...options.tableData ?? []]);
  const endpointData = options.endpointData === undefined ? undefined : readEndpointData(options.endpointData);
  for (const file of [options.input, ...options.concurrentInputs ?? []]) if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
  return runProcessor(options, processor, tableData, endpointData, started);
}

/** Each table data file checked against its table of the processor's stack, before anything starts. */
async function checkedTableData(stack: AssemblyStack, files: readonly TableDataFile[]): Promise<TableData[]> {
  const tables = stackTables(stack);
  return Promise.all(files.map(async ({ path: tablePath, file }) => {
    const table = tables.find((t) => t.path === tablePath.replace(/^\/|\/$/g, ''));
    if (!table) {
      throw new UsageError(`--table-data ${tablePath}: no table at this path in stack ${stack.path} (tables: ${tables.map((t) => t.path).join(', ') || 'none'})`);
    }
    return checkTableData(table, file);
  }));
}

async function runProcessor(
  options: AppRunOptions, processor: AssemblyProcessor, tableData: readonly TableData[],
  endpointData: ReturnType<typeof readEndpointData> | undefined, started: number,
): Promise<LocalRunResult> {
  let progress = { chunksTotal: 0, chunksDone: 0, chunksFailed: 0 };
  let recordsPerChunk = 0;
  let abortRun: (() => void) | undefined;
  const cloud = await LocalCloud.start({
    processor,
    endpointData,
    faults: options.faults,
    s3LatencyMs: options.s3LatencyMs,
    retryIntervalMs: options.retryIntervalMs,
    iam: options.iam,
    ses: options.ses,
    onMapProgress: (p) => {
      progress = { chunksTotal: p.total, chunksDone: p.done, chunksFailed: p.failed };
      options.onProgress?.({ ...progress, recordsPerChunk, elapsedMs: Date.now() - started });
      if (options.abortAfterChunks !== undefined && p.done >= options.abortAfterChunks) abortRun?.();
    },
  });
  try {
    const lookupStarted = Date.now();
    for (const data of tableData) await loadTableData(cloud.standIns.seedTable, data);
    const lookupMs = Date.now() - lookupStarted;

    const bucket: string = cloud.resolve(processor.resources.bucketName);
    const trigger = cloud.assembly.functions.find((f) => f.name === cloud.resolve(processor.resources.triggerFunctionName))!;
    const orchestratorArn: string = cloud.resolve(processor.resources.orchestratorArn);
    const { inputPrefix, outputPrefix, chunkSize } = processor.resources;
    recordsPerChunk = chunkSize;
    // A bucket the app imports (the processor's `bucket` prop) exists before the stack: it is created here, empty.
    await cloud.createBucket(bucket);
    // Streamed from the files: an input is never held in memory whole.
    const uploads = await Promise.all([options.input, ...(options.concurrentInputs ?? [])].map(async (file) => {
      const key = `${inputPrefix}${path.basename(file)}`;
      const size = fs.statSync(file).size;
      const put = await cloud.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: fs.createReadStream(file), ContentLength: size }));
      return { key, size, put };
    }));
    const inputKey = uploads[0].key;

    await resetCounters(cloud);
    const runStarted = Date.now();
    await cloud.startStoreFaults();
    const events = uploads.map(({ key, size, put }, i) =>
      objectCreatedEvent(cloud.assembly.env.region, bucket, key, size, put.ETag ?? '', sequencerOf(Date.now(), i), put.VersionId));
    const deliveries = events.flatMap((event) => (options.deliverEventTwice ? [event, event] : [event]));
    // S3 invokes the trigger as itself, for the bucket: the function's policy must allow it.
    const notificationRefusal = cloud.serviceInvokeRefusal('s3.amazonaws.com', trigger.name, `arn:aws:s3:::${bucket}`);
    const delivered = await Promise.allSettled(deliveries.map((event) => (notificationRefusal
      ? Promise.reject(Object.assign(new Error(notificationRefusal), { name: 'AccessDeniedException' }))
      : deliverNotification(cloud.asyncInvocations, trigger.name, event))));
    // Why a run may not have started: S3 or Lambda refused the event, or the trigger failed every attempt (the event
    // is then in its dead-letter queue); the last attempt's error is the trigger's.
    const deliveryFailure = delivered.map((d) => (d.status === 'rejected' ? d.reason as Error : d.value.succeeded ? undefined : d.value.error))
      .find((failure) => failure !== undefined);

    const orchestrations = [...cloud.stepFunctions.executions.values()].filter((e) => e.stateMachineArn === orchestratorArn);
    if (orchestrations.length === 0 && !deliveryFailure) throw new Error('The trigger did not start the orchestrator');
    const executionOf = (key: string) => orchestrations.find((r) => (r.input as { key?: string } | undefined)?.key === key);
    // Undefined when the run never started: the notification or the trigger failed.
    const execution: ExecutionRecord | undefined = executionOf(inputKey) ?? orchestrations[0];
    abortRun = () => execution && cloud.stepFunctions.stopExecution(execution.executionArn);
    await Promise.all(orchestrations.map((e) => e.done));
    // A run that did not succeed is reported from its status change, through EventBridge.
    await cloud.settleEvents();
    let redrives = 0;
    if (options.redrive && execution && execution.status !== 'SUCCEEDED') {
      // The cause is fixed: no more injected faults. Then the run resumes where it stopped.
      await cloud.endFaults();
      cloud.stepFunctions.redriveExecution(execution.executionArn);
      redrives++;
      await execution.done;
      await cloud.settleEvents();
    }
    const runEnded = Date.now();
    await cloud.endFaults();
    const runId = execution?.name ?? runRequestsFrom(events[0])[0].runId;

    const outDir = path.resolve(options.outDir ?? path.join('.local-runs', runId));
    const { output, rejects, summaryFile, summary } = await collectRun(cloud.s3, bucket, outputPrefix, runId, inputKey, outDir);
    const status = execution ? runStatus(execution, summary.status) : 'FAILED';
    const concurrentRuns: ConcurrentRun[] = [];
    for (const { key } of uploads.slice(1)) {
      const run = executionOf(key);
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
    const sent = await cloud.standIns.sentEmails();
    const objects = await bucketKeys(cloud.s3, bucket);
    const rejectedRecordsTable: string = cloud.resolve(processor.resources.rejectedRecordsTableName);
    const rejectedRecordsFile = await exportRejectedRecords(cloud.dynamodb, rejectedRecordsTable, runId, path.join(outDir, 'rejected-records.jsonl'));
    const rejectedRecords = options.readRejectedRecords ? await rejectedRecordsOf(cloud.dynamodb, rejectedRecordsTable, runId) : undefined;
    await cloud.flushLog();
    const log = path.join(outDir, 'lambda.log');
    fs.copyFileSync(cloud.logFile, log);

    const { stats, cost } = await runStatistics(cloud, sent.length, orchestrations.length);
    const notStarted = (failure: Error) => ({
      code: failure.name,
      message: failure instanceof LambdaFunctionError ? failure.payload.errorMessage : failure.message,
    });
    const error = status === 'SUCCEEDED' ? null : summary.error ?? (execution
      ? { code: execution.error ?? 'Unknown', message: execution.cause ?? 'the execution failed' }
      : notStarted(deliveryFailure!));
    const finished = Date.now();
    return {
      runId,
      processor: processor.path,
      status,
      error,
      records: summary.records ?? { total: 0, valid: 0, rejected: 0 },
      chunks: summary.chunks ?? progress.chunksTotal,
      output,
      rejects,
      summary: summaryFile,
      emails: sent.map((e) => ({ to: e.to.join(', '), subject: e.subject, text: e.text })),
      stats,
      executionStatus: execution?.status ?? 'NOT_STARTED',
      redrives,
      runEvents: cloud.eventBridge.events
        .filter(({ event }) => event.source === RUN_EVENT_SOURCE)
        .map(({ event }) => ({ detailType: event['detail-type'], detail: event.detail })),
      deadLetters: cloud.eventBridge.deadLetters.length,
      queueMessages: [...cloud.queues.messages],
      estimatedAwsCostUsd: cost.total,
      costBreakdownUsd: cost,
      durationMs: finished - started,
      phasesMs: { setup: runStarted - started, lookup: lookupMs, run: runEnded - runStarted, collect: finished - runEnded },
      log,
      rejectedRecordsFile,
      inputKey,
      objects,
      ...(rejectedRecords ? { rejectedRecords } : {}),
      ...(uploads.length > 1 ? { concurrentRuns } : {}),
    };
  } finally {
    await cloud.close();
  }
}
