// local/ is development tooling, left out of the npm package: it runs on devDependencies.
/* eslint-disable import/no-extraneous-dependencies */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { App, Stack } from 'aws-cdk-lib';
import { createActiveTable } from './active-table';
import { AwsSdkTasks } from './aws-sdk-tasks';
import { synthesize } from './cloud-assembly';
import { estimateCost } from './cost-model';
import { BusEvent, executionStatusChange, LocalEventBridge } from './event-bridge';
import { FaultPlan, gateRequests, s3SlowDown } from './fault-injection';
import { LambdaHost } from './lambda-host';
import { loadLookupTable } from './lookup-table';
import { startServiceEndpoints } from './service-endpoints';
import { LOCAL_CREDENTIALS, SentEmail, startStandIns } from './stand-ins';
import { ExecutionRecord, LocalStepFunctions } from './step-functions';
import { functionArn } from './token-resolver';
import { RunSummary } from '../lambda-src/shared/contracts';
import { prefixesFromEnv, RunLayout } from '../lambda-src/shared/run-layout';
import { InputEncoding } from '../src/batch-file-processor-props';
import { RUN_EVENT_SOURCE } from '../src/contract/run-events';

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
  readonly createStack?: (app: App, props: ExampleProps) => Stack;
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

/** One item of the rejected-records table, as stored. */
export interface RejectedRecordItem {
  readonly line: number;
  readonly chunk: number;
  readonly fields: string[];
  readonly reasons: string[];
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
  readonly stats: {
    stateTransitions: number;
    standardExecutions: number;
    expressRequests: number;
    expressGbSeconds: number;
    lambdaInvocations: number;
    lambdaGbSeconds: number;
    s3Requests: number;
    apiRequests: number;
    dynamodbWriteUnits: number;
    dynamodbReadUnits: number;
    emails: number;
    orchestratorExecutions: number;
  };
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
  /** How the orchestrator's execution ended: SUCCEEDED, FAILED, TIMED_OUT or ABORTED. */
  readonly executionStatus: string;
  /** How many times the run was redriven (`redrive`). */
  readonly redrives: number;
  /** The run events (source `cdk-batch-file-processor`) put on the event buses, in order. */
  readonly runEvents: Array<{ readonly detailType: string; readonly detail: any }>;
  /** Events EventBridge could not deliver to a target after every retry (its dead-letter queue). */
  readonly deadLetters: number;
}

const REGION = 'us-east-1';

function defaultStack(app: App, props: ExampleProps): Stack {
  // Loaded lazily: only the default needs the example (and its handler bundles).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { OrdersPipelineStack } = require('../examples/orders-stack');
  return new OrdersPipelineStack(app, 'OrdersPipeline', props);
}

/** The S3 `ObjectCreated:Put` notification exactly as S3 sends it to a Lambda destination. */
export function objectCreatedEvent(bucket: string, key: string, size: number, eTag: string, sequencer: string, versionId?: string) {
  return {
    Records: [{
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: REGION,
      eventTime: new Date().toISOString(),
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: 'AWS:LOCALUSER' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': sequencer, 'x-amz-id-2': sequencer },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'local',
        bucket: { name: bucket, ownerIdentity: { principalId: 'LOCAL' }, arn: `arn:aws:s3:::${bucket}` },
        // S3 URL-encodes keys in notifications, with spaces as '+'.
        object: { key: encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/'), size, eTag: eTag.replace(/"/g, ''), ...(versionId ? { versionId } : {}), sequencer },
      },
    }],
  };
}

async function readObject(s3: S3Client, bucket: string, key: string): Promise<Buffer | undefined> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await out.Body!.transformToByteArray());
  } catch (err) {
    if ((err as Error).name === 'NoSuchKey') return undefined;
    throw err;
  }
}

/** Streams an object to a file; false when there is no such object. */
async function downloadObject(s3: S3Client, bucket: string, key: string, file: string): Promise<boolean> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    await pipeline(out.Body as Readable, fs.createWriteStream(file));
    return true;
  } catch (err) {
    if ((err as Error).name === 'NoSuchKey') return false;
    throw err;
  }
}

async function queryRejectedRecords(dynamodb: DynamoDBClient, table: string, runId: string): Promise<RejectedRecordItem[]> {
  const items: RejectedRecordItem[] = [];
  let start: Record<string, any> | undefined;
  do {
    const page = await dynamodb.send(new QueryCommand({
      TableName: table, KeyConditionExpression: 'runId = :runId', ExpressionAttributeValues: { ':runId': { S: runId } }, ExclusiveStartKey: start,
    }));
    for (const item of page.Items ?? []) {
      items.push({
        line: Number(item.line.N),
        chunk: Number(item.chunk.N),
        fields: (item.fields.L ?? []).map((v) => v.S ?? ''),
        reasons: (item.reasons.L ?? []).map((v) => v.S ?? ''),
      });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/**
 * Runs the pipeline on this machine: synthesizes the stack, starts the stand-ins, uploads the input,
 * delivers the S3 event to the trigger function and runs the workflows to the end.
 */
export async function runLocally(options: LocalRunOptions): Promise<LocalRunResult> {
  const started = Date.now();
  const standIns = await startStandIns({ s3LatencyMs: options.s3LatencyMs });
  const endpoints = await startServiceEndpoints();
  const cleanups: Array<() => unknown> = [() => standIns.close(), () => endpoints.close()];
  try {
    const props: ExampleProps = {
      chunkSize: options.chunkSize,
      delimiter: options.delimiter,
      encoding: options.encoding,
      emailSender: 'pipeline@example.com',
      emailRecipients: options.emailRecipients ?? ['ops@example.com'],
    };
    const createStack = (app: App) => (options.createStack ?? defaultStack)(app, props);
    const { assembly, stack } = synthesize({ createStack, apiBaseUrl: endpoints.url, region: REGION });
    cleanups.push(() => assembly.dispose());
    const processor = (stack as any).processor;

    const endpointFor: Record<string, string> = {
      s3: standIns.s3Endpoint,
      dynamodb: standIns.dynamodbEndpoint,
      sesv2: standIns.sesEndpoint,
      ses: standIns.sesEndpoint,
      lambda: endpoints.url,
      sfn: endpoints.url,
    };
    const clientConfig = (service: string) => ({
      region: REGION,
      endpoint: endpointFor[service],
      credentials: LOCAL_CREDENTIALS,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED' as const,
      responseChecksumValidation: 'WHEN_REQUIRED' as const,
    });
    const s3 = new S3Client(clientConfig('s3'));
    const dynamodb = new DynamoDBClient(clientConfig('dynamodb'));
    const sdk = new AwsSdkTasks(clientConfig);
    cleanups.push(() => s3.destroy(), () => dynamodb.destroy(), () => sdk.close());

    const outDirFor = (runId: string) => path.resolve(options.outDir ?? path.join('.local-runs', runId));
    const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'local-run-')), 'lambda.log');
    const logSink = fs.createWriteStream(logFile);
    cleanups.push(() => new Promise((resolve) => logSink.end(resolve)));

    const random = options.faults?.random ?? Math.random;
    const lambda = new LambdaHost(assembly.functions, {
      functionArn: (name) => functionArn(name, assembly.env),
      baseEnvironment: {
        AWS_REGION: REGION,
        AWS_DEFAULT_REGION: REGION,
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        AWS_ENDPOINT_URL_S3: standIns.s3Endpoint,
        AWS_ENDPOINT_URL_DYNAMODB: standIns.dynamodbEndpoint,
        AWS_ENDPOINT_URL_SESV2: standIns.sesEndpoint,
        AWS_ENDPOINT_URL_SES: standIns.sesEndpoint,
        AWS_ENDPOINT_URL_LAMBDA: endpoints.url,
        AWS_ENDPOINT_URL_SFN: endpoints.url,
        AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.url,
        AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
        AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
        // The SDK in the bundles must not look for real credentials or config files.
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
      crashRate: options.faults?.lambda,
      random,
      logSink,
    });
    cleanups.push(() => lambda.close());

    let progress = { chunksTotal: 0, chunksDone: 0, chunksFailed: 0 };
    let eventBridge: LocalEventBridge | undefined;
    let abortRun: (() => void) | undefined;
    const stepFunctions = new LocalStepFunctions(assembly.stateMachines, {
      lambda,
      sdk,
      retryIntervalMs: options.retryIntervalMs ?? 25,
      readItems: async (resource, parameters) => {
        if (!resource.startsWith('arn:aws:states:::s3:getObject')) throw new Error(`ItemReader ${resource} is not emulated`);
        const body = await readObject(s3, parameters.Bucket, parameters.Key);
        if (!body) throw Object.assign(new Error(`ItemReader: s3://${parameters.Bucket}/${parameters.Key} does not exist`), { name: 'States.ItemReaderFailed' });
        return JSON.parse(body.toString('utf8'));
      },
      writeResults: async (resource, parameters, files) => {
        if (!resource.startsWith('arn:aws:states:::s3:putObject')) throw new Error(`ResultWriter ${resource} is not emulated`);
        for (const file of files) {
          await s3.send(new PutObjectCommand({ Bucket: parameters.Bucket, Key: file.key, Body: file.body, ContentType: 'application/json' }));
        }
      },
      onMapProgress: (p) => {
        progress = { chunksTotal: p.total, chunksDone: p.done, chunksFailed: p.failed };
        options.onProgress?.({ ...progress, elapsedMs: Date.now() - started });
        if (options.abortAfterChunks !== undefined && p.done >= options.abortAfterChunks) abortRun?.();
      },
      // Step Functions sends every status change of a Standard execution to the default event bus.
      onStatusChange: (record) => eventBridge?.put('default', executionStatusChange(record)),
    });
    eventBridge = new LocalEventBridge(assembly.rules, assembly.eventBuses, {
      region: REGION,
      account: assembly.env.account,
      retryIntervalMs: options.retryIntervalMs ?? 25,
      invokeFunction: (arn, event: BusEvent) => lambda.invoke(arn, event),
    });
    endpoints.bind({ lambda, stepFunctions, eventBridge, restApis: assembly.restApis, faultRate: options.faults?.enrich ?? 0, random });

    // One warm container behind each REST API: its callers have an HTTP timeout that a worker's cold
    // start could exceed. Every other container starts when an invocation needs it (init outside the
    // function's timeout, as on AWS) and ends when idle, so memory follows the concurrency in use.
    const apiFunctions = new Set(assembly.restApis.flatMap((api) => api.routes.map((r) => r.functionName)));
    await Promise.all([...apiFunctions].map((name) => lambda.warmUp(name, 1)));

    // Resources, as CloudFormation would have created them.
    for (const bucket of assembly.buckets) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const table of assembly.tables) {
      await createActiveTable(dynamodb, {
        TableName: table.name, KeySchema: table.keySchema as any, AttributeDefinitions: table.attributeDefinitions as any, BillingMode: 'PAY_PER_REQUEST',
      });
    }
    let lookupMs = 0;
    if (options.lookup) {
      const lookupStarted = Date.now();
      const financialsTable = assembly.tables.find((t) => t.name === assembly.resolve((stack as any).financialsTable.tableName));
      if (!financialsTable) throw new Error('--lookup needs a stack with a financialsTable (the reference example)');
      await loadLookupTable(standIns.seedTable, financialsTable, options.lookup);
      lookupMs = Date.now() - lookupStarted;
    }

    const bucket: string = assembly.resolve(processor.bucket.bucketName);
    const trigger = assembly.functions.find((f) => f.name === assembly.resolve(processor.triggerFunction.functionName))!;
    const orchestratorArn: string = assembly.resolve(processor.orchestrator.stateMachineArn);
    const prefixes = prefixesFromEnv(trigger.environment);
    // Streamed from the files: an input is never held in memory whole.
    const uploads = await Promise.all([options.input, ...(options.concurrentInputs ?? [])].map(async (file) => {
      const key = `${prefixes.input}${path.basename(file)}`;
      const size = fs.statSync(file).size;
      const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: fs.createReadStream(file), ContentLength: size }));
      return { key, size, put };
    }));
    const inputKey = uploads[0].key;

    // Counting and faults start with the pipeline's own traffic, once the setup above is done.
    await standIns.settleCounters();
    Object.assign(standIns.counters, { s3Tier1: 0, s3Tier2: 0, dynamodbWriteUnits: 0, dynamodbReadUnits: 0 });
    const runStarted = Date.now();
    const removeS3Faults = gateRequests(standIns.s3Server, options.faults?.s3 ?? 0, random, s3SlowDown);
    const events = uploads.map(({ key, size, put }, i) => {
      const sequencer = (Date.now() * 1000 + i).toString(16).toUpperCase().padStart(16, '0');
      return objectCreatedEvent(bucket, key, size, put.ETag ?? '', sequencer, put.VersionId);
    });
    // S3 invokes the function asynchronously: Lambda retries a failed async invocation twice.
    const deliver = async (event: ReturnType<typeof objectCreatedEvent>) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await lambda.invoke(trigger.name, event);
        } catch (err) {
          if (attempt >= 2) throw err;
        }
      }
    };
    await Promise.all(events.flatMap((event) => (options.deliverEventTwice ? [deliver(event), deliver(event)] : [deliver(event)])));

    const orchestrations = [...stepFunctions.executions.values()].filter((e) => e.stateMachineArn === orchestratorArn);
    if (orchestrations.length === 0) throw new Error('The trigger did not start the orchestrator');
    const executionOf = (key: string) => orchestrations.find((r) => (r.input as { key?: string } | undefined)?.key === key);
    const execution = executionOf(inputKey) ?? orchestrations[0];
    abortRun = () => stepFunctions.stopExecution(execution.executionArn);
    await Promise.all(orchestrations.map((e) => e.done));
    // A run that did not succeed is reported from its status change, through EventBridge.
    await eventBridge.settle();
    let redrives = 0;
    if (options.redrive && execution.status !== 'SUCCEEDED') {
      // The cause is fixed: no more injected faults. Then the run resumes where it stopped.
      removeS3Faults();
      lambda.setCrashRate(0);
      endpoints.bind({ lambda, stepFunctions, eventBridge, restApis: assembly.restApis, faultRate: 0, random });
      stepFunctions.redriveExecution(execution.executionArn);
      redrives++;
      await execution.done;
      await eventBridge.settle();
    }
    const runEnded = Date.now();
    removeS3Faults();
    const runId = execution.name;

    // A run's published files, copied out of the bucket into a folder.
    const collect = async (run: ExecutionRecord, key: string, dir: string) => {
      const layout = new RunLayout(prefixes, run.name, key);
      fs.mkdirSync(dir, { recursive: true });
      const copyOut = async (objectKey: string) => {
        const file = path.join(dir, path.basename(objectKey));
        return (await downloadObject(s3, bucket, objectKey, file)) ? file : null;
      };
      const output = await copyOut(layout.outputKey);
      const rejects = await copyOut(layout.rejectsKey);
      const summaryFile = await copyOut(layout.summaryKey);
      const summary: Partial<RunSummary> = summaryFile ? JSON.parse(fs.readFileSync(summaryFile, 'utf8')) : {};
      const status: 'SUCCEEDED' | 'FAILED' = run.status === 'SUCCEEDED' && summary.status !== 'FAILED' ? 'SUCCEEDED' : 'FAILED';
      return { output, rejects, summaryFile, summary, status };
    };
    const outDir = outDirFor(runId);
    const { output, rejects, summaryFile, summary, status } = await collect(execution, inputKey, outDir);
    const concurrentRuns: ConcurrentRun[] = [];
    for (const { key } of uploads.slice(1)) {
      const run = executionOf(key);
      if (!run) throw new Error(`The trigger did not start a run for ${key}`);
      const collected = await collect(run, key, path.join(outDir, run.name));
      const runRecords = collected.summary.records ?? { total: 0, valid: 0, rejected: 0 };
      concurrentRuns.push({
        inputKey: key, runId: run.name, status: collected.status, records: runRecords, output: collected.output, rejects: collected.rejects,
      });
    }
    const sent: SentEmail[] = await standIns.sentEmails();
    const objects: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      objects.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.NextContinuationToken;
    } while (token);
    const rejectedRecords = options.readRejectedRecords
      ? await queryRejectedRecords(dynamodb, assembly.resolve(processor.rejectedRecordsTable.tableName), runId)
      : undefined;
    await new Promise((resolve) => logSink.end(resolve));
    const log = path.join(outDir, 'lambda.log');
    fs.copyFileSync(logFile, log);

    await standIns.settleCounters();
    const error = status === 'SUCCEEDED' ? null : summary.error ?? { code: execution.error ?? 'Unknown', message: execution.cause ?? 'the execution failed' };
    const usage = {
      stateTransitions: stepFunctions.usage.standardTransitions,
      expressRequests: stepFunctions.usage.expressRequests,
      expressGbSeconds: stepFunctions.usage.expressGbSeconds,
      lambdaInvocations: lambda.usage.invocations,
      lambdaGbSeconds: lambda.usage.gbSeconds,
      lambdaArm64GbSeconds: lambda.usage.arm64GbSeconds,
      s3Tier1Requests: standIns.counters.s3Tier1,
      s3Tier2Requests: standIns.counters.s3Tier2,
      dynamodbWriteUnits: standIns.counters.dynamodbWriteUnits,
      dynamodbReadUnits: standIns.counters.dynamodbReadUnits,
      emails: sent.length,
      apiRequests: endpoints.apiRequests(),
    };
    const cost = estimateCost(usage);
    const finished = Date.now();
    const round3 = (n: number) => Math.round(n * 1000) / 1000;
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
      stats: {
        stateTransitions: usage.stateTransitions,
        standardExecutions: stepFunctions.usage.standardExecutions,
        expressRequests: usage.expressRequests,
        expressGbSeconds: round3(usage.expressGbSeconds),
        lambdaInvocations: usage.lambdaInvocations,
        lambdaGbSeconds: round3(usage.lambdaGbSeconds + usage.lambdaArm64GbSeconds),
        s3Requests: usage.s3Tier1Requests + usage.s3Tier2Requests,
        apiRequests: usage.apiRequests,
        dynamodbWriteUnits: usage.dynamodbWriteUnits,
        dynamodbReadUnits: usage.dynamodbReadUnits,
        emails: usage.emails,
        orchestratorExecutions: orchestrations.length,
      },
      executionStatus: execution.status,
      redrives,
      runEvents: eventBridge.events
        .filter(({ event }) => event.source === RUN_EVENT_SOURCE)
        .map(({ event }) => ({ detailType: event['detail-type'], detail: event.detail })),
      deadLetters: eventBridge.deadLetters.length,
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
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}
