// local/ is development tooling, left out of the npm package: it runs on devDependencies.
/**
 * A run of a processor of a synthesized app, end to end: its local cloud started, table data loaded, the inputs
 * uploaded (`input-upload.ts`), their S3 events delivered (`input-events.ts`), the workflows run to the end, a failed
 * run redriven once with `redrive` (`input-runs.ts`), and what the run published collected (`run-result.ts`). What
 * the app or the files given do not allow is a {@link UsageError}, raised before anything starts.
 */
import * as fs from 'node:fs';
import { AccessControlOptions } from './access-control';
import { deliverInputEvents } from './input-events';
import { awaitRuns, startedRuns } from './input-runs';
import { checkInputKeys, uploadInputs } from './input-upload';
import { LocalCloud } from './local-cloud';
import { ProgressWatch, RunProgress } from './run-progress';
import { collectResult, LocalRunResult } from './run-result';
import { resetCounters } from './run-statistics';
import { RunTestHooks } from './run-test-hooks';
import { UsageError } from '../shared/usage-error';
import { readEndpointData } from '../stand-ins/endpoint-data';
import { FaultPlan } from '../stand-ins/fault-injection';
import { checkTableData, loadTableData, TableData } from '../stand-ins/table-data';
import { AssemblyProcessor, AssemblyStack, selectProcessor } from '../template/assembly-manifest';
import { stackTables } from '../template/cloud-assembly';

export type { RejectedRecordItem } from './run-collection';
export type { RunProgress } from './run-progress';
export type { InputRun, LocalRunResult, RunTotals } from './run-result';
export type { RunTestHooks } from './run-test-hooks';

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
  /** Transient faults to inject (probabilities per request/invocation). */
  readonly faults?: FaultPlan;
  /**
   * S3's first-byte latency to model: every S3 response starts this many ms later, for every request
   * (the handlers', the state machines' and the runner's own setup and collection: a handful). @default 0
   */
  readonly s3LatencyMs?: number;
  /** Wait before each retry of a state, in ms, instead of the definition's intervals (but those of a retrier of throttles only). @default 25 */
  readonly retryIntervalMs?: number;
  /** The account's Lambda concurrency quota in the region: invocations in flight at once, over all functions. @default 1000 (AWS's) */
  readonly lambdaConcurrency?: number;
  readonly onProgress?: (progress: RunProgress) => void;
  /**
   * More files uploaded at the same moment as `input`, each announced by its own S3 event: they run side by
   * side as separate runs, reported in `runs` after the first (their files under `<outDir>/<runId>/`). @default none
   */
  readonly concurrentInputs?: readonly string[];
  /**
   * When a run fails, end the injected faults and redrive its execution once (from the failed
   * step; in the Distributed Map only the chunks that failed or never started), as
   * `aws stepfunctions redrive-execution` would. The result then describes the redriven run. @default false
   */
  readonly redrive?: boolean;
  /** For tests: what they do to a run that no user does (see `RunTestHooks`). @default none */
  readonly testHooks?: RunTestHooks;
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

/** Runs a processor of the app on this machine (see the module's comment). */
export async function runApp(app: AppToRun, options: AppRunOptions): Promise<LocalRunResult> {
  const started = app.startedAt ?? Date.now();
  const processor = selectProcessor(app.stacks, options.processor ?? app.processor);
  const tableData = await checkedTableData(processor.stack, [...app.tableData ?? [], ...options.tableData ?? []]);
  const endpointData = options.endpointData === undefined ? undefined : readEndpointData(options.endpointData);
  const inputs = [options.input, ...options.concurrentInputs ?? []];
  for (const file of inputs) if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
  checkInputKeys(processor.resources.inputPrefix, inputs);
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
  const hooks = options.testHooks ?? {};
  const progress = new ProgressWatch({
    recordsPerChunk: processor.resources.chunkSize, started, onProgress: options.onProgress, abortAfterChunks: hooks.abortAfterChunks,
  });
  const cloud = await LocalCloud.start({
    processor,
    endpointData,
    faults: options.faults,
    s3LatencyMs: options.s3LatencyMs,
    retryIntervalMs: options.retryIntervalMs,
    lambdaConcurrency: options.lambdaConcurrency,
    iam: options.iam,
    ses: options.ses,
    onMapProgress: progress.onMapProgress,
  });
  try {
    const lookupStarted = Date.now();
    for (const data of tableData) await loadTableData(cloud.standIns.seedTable, data);
    const lookupMs = Date.now() - lookupStarted;

    const bucket: string = cloud.resolve(processor.resources.bucketName);
    const trigger = cloud.assembly.functions.find((f) => f.name === cloud.resolve(processor.resources.triggerFunctionName))!;
    // A bucket the app imports (the processor's `bucket` prop) exists before the stack: it is created here, empty.
    await cloud.createBucket(bucket);
    const uploads = await uploadInputs(cloud.s3, bucket, processor.resources.inputPrefix, [options.input, ...options.concurrentInputs ?? []]);

    await resetCounters(cloud);
    const runStarted = Date.now();
    await cloud.startStoreFaults();
    const delivered = await deliverInputEvents(cloud, trigger.name, bucket, uploads, hooks.deliverEventTwice);
    const runs = startedRuns(cloud, cloud.resolve(processor.resources.orchestratorArn), uploads.map((u) => u.key), delivered.failures);
    const [execution] = runs.byInput;
    if (execution) progress.stopsWith(() => cloud.stepFunctions.stopExecution(execution.executionArn));
    const redrives = await awaitRuns(cloud, runs, options.redrive);
    const runEnded = Date.now();
    await cloud.endFaults();

    const times = { started, runStarted, runEnded, lookupMs };
    const ended = { processor, bucket, uploads, delivered, runs, redrives, chunksTotal: progress.chunks.chunksTotal, times };
    return await collectResult(cloud, ended, { outDir: options.outDir, readRejectedRecords: hooks.readRejectedRecords });
  } finally {
    await cloud.close();
  }
}
