/**
 * One case of the burst benchmark: the files uploaded at the same instant to a processor that validates with the
 * example's JSON Schema and enriches from a DynamoDB table (a chunk holds one Lambda slot: no function calls
 * another), in an account with the given Lambda concurrency quota; what became of every record, and of the quota.
 */
import * as fs from 'node:fs';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { parse } from 'csv-parse/sync';
import { orderRecordSchema } from '../examples/order-record-schema';
import { LocalRunResult, runLocally } from '../local/run/runner';
import { FINANCIAL_HEADER } from '../local/samples/sample-orders';
import { BatchFileProcessor, RecordEnricher, RecordValidator } from '../src';

export interface BurstCase {
  readonly name: string;
  readonly maxConcurrentRuns: number;
  readonly maxConcurrency: number;
  readonly chunkSize: number;
  /** The construct's `lambdaConcurrency`: synth refuses a configuration that cannot fit it. @default not checked */
  readonly lambdaConcurrency?: number;
}

export interface BurstFiles {
  readonly inputs: readonly string[];
  /** Records in each input, as generated. */
  readonly records: number;
  readonly financialsFile: string;
}

export interface BurstCaseFigures {
  readonly case: string;
  readonly maxConcurrentRuns: number;
  readonly maxConcurrency: number;
  readonly succeeded: number;
  readonly runs: number;
  readonly failed: Array<{ input: string; executionStatus: string; error: string | null; inputKept: boolean }>;
  /** Records in every input; in the succeeded runs' outputs and rejects files (rows read back); in the failed runs' inputs, still in the bucket. */
  readonly records: { in: number; out: number; rejected: number; inFailedRunsKept: number };
  /** Succeeded runs whose output rows + reject rows ≠ the input's records. */
  readonly runsWithRecordsLost: number;
  readonly throttles: number;
  readonly stepFunctionsThrottles: number;
  readonly maxConcurrentInvocations: number;
  readonly lambdaInvocations: number;
  /** The most runs past TakeTurn at once, as run-turns counted them when it admitted one. */
  readonly maxRunsRunning: number;
  /** TakeTurn answers "wait". */
  readonly turnWaits: number;
  /** From the S3 events to the end of the last run. */
  readonly drainSeconds: number;
  readonly wallSeconds: number;
}

function burstStack(app: App, settings: BurstCase) {
  const stack = new Stack(app, 'Burst');
  const financialsTable = new dynamodb.Table(stack, 'Financials', {
    partitionKey: { name: 'uuid', type: dynamodb.AttributeType.STRING }, removalPolicy: RemovalPolicy.DESTROY,
  });
  const processor = new BatchFileProcessor(stack, 'Processor', {
    chunkSize: settings.chunkSize,
    maxConcurrency: settings.maxConcurrency,
    maxConcurrentRuns: settings.maxConcurrentRuns,
    lambdaConcurrency: settings.lambdaConcurrency,
    validator: RecordValidator.fromJsonSchema(orderRecordSchema),
    enrichment: RecordEnricher.fromTable(financialsTable, { keyColumn: 'uuid', fields: FINANCIAL_HEADER.slice(1) }),
    removalPolicy: RemovalPolicy.DESTROY,
  });
  return Object.assign(stack, { processor, financialsTable });
}

const rowsOf = (file: string | null) => (file ? (parse(fs.readFileSync(file), { relax_column_count: true }) as string[][]).length - 1 : 0);

/** run-turns' answers to TakeTurn, from the functions' log. */
function turnAnswers(log: string): Array<{ message: string; running?: number }> {
  return fs.readFileSync(log, 'utf8').split('\n')
    .filter((line) => line.includes('"turn taken"') || line.includes('"waiting for a turn"'))
    .map((line) => JSON.parse(line.slice(line.indexOf('{'))));
}

export async function runBurstCase(settings: BurstCase, files: BurstFiles, accountConcurrency: number, outDir: string): Promise<BurstCaseFigures> {
  const started = Date.now();
  const [input, ...concurrentInputs] = files.inputs;
  const result: LocalRunResult = await runLocally({
    input,
    concurrentInputs,
    lookup: files.financialsFile,
    lambdaConcurrency: accountConcurrency,
    outDir,
    createStack: (app) => burstStack(app, settings),
  });
  const wallSeconds = (Date.now() - started) / 1000;
  const succeeded = result.runs.filter((run) => run.status === 'SUCCEEDED');
  const failed = result.runs.filter((run) => run.status !== 'SUCCEEDED');
  const counted = succeeded.map((run) => ({ out: rowsOf(run.output), rejected: rowsOf(run.rejects) }));
  const answers = turnAnswers(result.log);
  return {
    case: settings.name,
    maxConcurrentRuns: settings.maxConcurrentRuns,
    maxConcurrency: settings.maxConcurrency,
    succeeded: succeeded.length,
    runs: result.runs.length,
    failed: failed.map((run) => ({
      input: run.inputKey, executionStatus: run.executionStatus, error: run.error && `${run.error.code}: ${run.error.message}`, inputKept: result.objects.includes(run.inputKey),
    })),
    records: {
      in: files.inputs.length * files.records,
      out: counted.reduce((n, c) => n + c.out, 0),
      rejected: counted.reduce((n, c) => n + c.rejected, 0),
      inFailedRunsKept: failed.filter((run) => result.objects.includes(run.inputKey)).length * files.records,
    },
    runsWithRecordsLost: counted.filter((c) => c.out + c.rejected !== files.records).length,
    throttles: result.stats.throttles,
    stepFunctionsThrottles: result.stats.stepFunctionsThrottles,
    maxConcurrentInvocations: result.stats.maxConcurrentInvocations,
    lambdaInvocations: result.stats.lambdaInvocations,
    maxRunsRunning: Math.max(0, ...answers.map((a) => a.running ?? 0)),
    turnWaits: answers.filter((a) => a.message === 'waiting for a turn').length,
    drainSeconds: result.phasesMs.run / 1000,
    wallSeconds,
  };
}
