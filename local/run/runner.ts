// local/ is development tooling, left out of the npm package: it runs on devDependencies.
/* eslint-disable import/no-extraneous-dependencies */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { App } from 'aws-cdk-lib';
import { estimateCost } from './cost-model';
import { LocalCloud, REGION } from './local-cloud';
import { ProcessorStack } from './processor-stack';
import { bucketKeys, collectRun, RejectedRecordItem, rejectedRecordsOf } from './run-collection';
import { resetCounters, RunStatistics, runStatistics } from './run-statistics';
import { deliverNotification, objectCreatedEvent, sequencerOf } from './s3-notification';
import { runRequestsFrom } from '../../lambda-src/trigger/run-requests';
import { InputEncoding } from '../../src/batch-file-processor-props';
import { RUN_EVENT_SOURCE } from '../../src/contract/run-events';
import { ExecutionRecord } from '../engine/step-functions';
import { LambdaFunctionError } from '../lambda/lambda-host';
import { FaultPlan } from '../stand-ins/fault-injection';
import { loadLookupTable } from '../stand-ins/lookup-table';

export type { RejectedRecordItem } from './run-collection';

export interface LocalRunOptions {
  /** The CSV file to process. */
  readonly input: string;
  /** Enrichment data for the reference example: CSV with a `uuid` column, loaded into its financial-data table. */
  readonly lookup?: string;
  readonly delimiter?: string;
  readonly chunkSize?: number;
  /** The input's character encoding (the example stack's `encoding`). @default InputEncoding.UTF_8 */
  readonly encoding?: InputEncoding;
  /** Where output, rejects, summary and the functions' log go. @default `.local-runs/<runId>/` */
  readonly outDir?: string;
  /** @default ['ops@example.com'] */
  readonly emailRecipients?: string[];
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
  /** Builds the stack to run. @default the reference example, `OrdersPipelineStack` */
  readonly createStack?: (app: App, props: ExampleProps) => ProcessorStack;
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
  /**
   * Authorize every call against the synthesized IAM policies, as AWS does; `false` allows every call (to
   * diagnose whether a failure is a missing permission). @default true
   */
  readonly iam?: boolean;
  /**
   * The SES identities (addresses and domains) verified in the account, beyond those the template verifies.
   * @default the example's sender and recipient, `pipeline@example.com` and `ops@example.com` (its README has them verified)
   */
  readonly verifiedEmailIdentities?: string[];
  /** The SES account is in the sandbox: recipients must be verified too. `false`: production access. @default true */
  readonly sesSandbox?: boolean;
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

export interface ExampleProps {
  readonly chunkSize?: number;
  readonly delimiter?: string;
  readonly encoding?: InputEncoding;
  readonly emailSender: string;
  readonly emailRecipients: string[];
}

export interface RunProgress {
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
  /** Wall time from the call to the result: synthesis, stand-ins, loading the lookup, the run and collecting its files. */
  readonly durationMs: number;
  /**
   * Where `durationMs` went: `setup` (synthesis, stand-ins, resources, lookup and upload; `lookup` is the
   * lookup's part of it), `run` (from the S3 event to the end of every execution), `collect` (the rest).
   */
  readonly phasesMs: { setup: number; lookup: number; run: number; collect: number };
  /** Where the functions' stdout/stderr went. */
  readonly log: string;
  /** The input's key, and every key left in the bucket at the end (to check what was archived, published, kept). */
  readonly inputKey: string;
  readonly objects: string[];
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
}

const EXAMPLE_SENDER = 'pipeline@example.com';
const EXAMPLE_RECIPIENTS = ['ops@example.com'];

function defaultStack(app: App, props: ExampleProps): ProcessorStack {
  // Loaded lazily: only the default needs the example (and its handler bundles).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { OrdersPipelineStack } = require('../../examples/orders-stack');
  return new OrdersPipelineStack(app, 'OrdersPipeline', props);
}

const runStatus = (execution: ExecutionRecord, summaryStatus?: string): 'SUCCEEDED' | 'FAILED' =>
  (execution.status === 'SUCCEEDED' && summaryStatus !== 'FAILED' ? 'SUCCEEDED' : 'FAILED');

/**
 * Runs the pipeline on this machine: starts the local cloud of the stack, uploads the input,
 * delivers the S3 event to the trigger function and runs the workflows to the end (redriving a
 * failed run once with `redrive`), then collects what the run published.
 */
export async function runLocally(options: LocalRunOptions): Promise<LocalRunResult> {
  const started = Date.now();
  const props: ExampleProps = {
    chunkSize: options.chunkSize,
    delimiter: options.delimiter,
    encoding: options.encoding,
    emailSender: EXAMPLE_SENDER,
    emailRecipients: options.emailRecipients ?? EXAMPLE_RECIPIENTS,
  };
  let progress = { chunksTotal: 0, chunksDone: 0, chunksFailed: 0 };
  let abortRun: (() => void) | undefined;
  const cloud = await LocalCloud.start({
    createStack: (app) => (options.createStack ?? defaultStack)(app, props),
    faults: options.faults,
    s3LatencyMs: options.s3LatencyMs,
    retryIntervalMs: options.retryIntervalMs,
    iam: options.iam,
    ses: { sandbox: options.sesSandbox, verifiedIdentities: options.verifiedEmailIdentities ?? [EXAMPLE_SENDER, ...EXAMPLE_RECIPIENTS] },
    onMapProgress: (p) => {
      progress = { chunksTotal: p.total, chunksDone: p.done, chunksFailed: p.failed };
      options.onProgress?.({ ...progress, elapsedMs: Date.now() - started });
      if (options.abortAfterChunks !== undefined && p.done >= options.abortAfterChunks) abortRun?.();
    },
  });
  try {
    const { processor, financialsTable } = cloud.stack;
    let lookupMs = 0;
    if (options.lookup) {
      const lookupStarted = Date.now();
      const table = financialsTable && cloud.assembly.tables.find((t) => t.name === cloud.resolve(financialsTable.tableName));
      if (!table) throw new Error('--lookup needs a stack with a financialsTable (the reference example)');
      await loadLookupTable(cloud.standIns.seedTable, table, options.lookup);
      lookupMs = Date.now() - lookupStarted;
    }

    const bucket: string = cloud.resolve(processor.bucket.bucketName);
    const trigger = cloud.assembly.functions.find((f) => f.name === cloud.resolve(processor.triggerFunction.functionName))!;
    const orchestratorArn: string = cloud.resolve(processor.orchestrator.stateMachineArn);
    // Streamed from the files: an input is never held in memory whole.
    const uploads = await Promise.all([options.input, ...(options.concurrentInputs ?? [])].map(async (file) => {
      const key = `${processor.inputPrefix}${path.basename(file)}`;
      const size = fs.statSync(file).size;
      const put = await cloud.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: fs.createReadStream(file), ContentLength: size }));
      return { key, size, put };
    }));
    const inputKey = uploads[0].key;

    await resetCounters(cloud);
    const runStarted = Date.now();
    cloud.startS3Faults();
    const events = uploads.map(({ key, size, put }, i) =>
      objectCreatedEvent(REGION, bucket, key, size, put.ETag ?? '', sequencerOf(Date.now(), i), put.VersionId));
    const deliveries = events.flatMap((event) => (options.deliverEventTwice ? [event, event] : [event]));
    // S3 invokes the trigger as itself, for the bucket: the function's policy must allow it.
    const notificationRefusal = cloud.serviceInvokeRefusal('s3.amazonaws.com', trigger.name, `arn:aws:s3:::${bucket}`);
    const delivered = await Promise.allSettled(deliveries.map((event) => (notificationRefusal
      ? Promise.reject(Object.assign(new Error(notificationRefusal), { name: 'AccessDeniedException' }))
      : deliverNotification(cloud.lambda, trigger.name, event))));
    const deliveryFailure = delivered.flatMap((d) => (d.status === 'rejected' ? [d.reason as Error] : []))[0];

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
      cloud.endFaults();
      cloud.stepFunctions.redriveExecution(execution.executionArn);
      redrives++;
      await execution.done;
      await cloud.settleEvents();
    }
    const runEnded = Date.now();
    cloud.endFaults();
    const runId = execution?.name ?? runRequestsFrom(events[0])[0].runId;

    const outDir = path.resolve(options.outDir ?? path.join('.local-runs', runId));
    const { output, rejects, summaryFile, summary } = await collectRun(cloud.s3, bucket, processor.outputPrefix, runId, inputKey, outDir);
    const status = execution ? runStatus(execution, summary.status) : 'FAILED';
    const concurrentRuns: ConcurrentRun[] = [];
    for (const { key } of uploads.slice(1)) {
      const run = executionOf(key);
      if (!run) throw new Error(`The trigger did not start a run for ${key}`);
      const collected = await collectRun(cloud.s3, bucket, processor.outputPrefix, run.name, key, path.join(outDir, run.name));
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
    const rejectedRecords = options.readRejectedRecords
      ? await rejectedRecordsOf(cloud.dynamodb, cloud.resolve(processor.rejectedRecordsTable.tableName), runId)
      : undefined;
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
      estimatedAwsCostUsd: cost.total,
      costBreakdownUsd: cost,
      durationMs: finished - started,
      phasesMs: { setup: runStarted - started, lookup: lookupMs, run: runEnded - runStarted, collect: finished - runEnded },
      log,
      inputKey,
      objects,
      ...(rejectedRecords ? { rejectedRecords } : {}),
      ...(uploads.length > 1 ? { concurrentRuns } : {}),
    };
  } finally {
    await cloud.close();
  }
}
