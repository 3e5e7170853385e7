// local/ is development tooling, left out of the npm package: it runs on devDependencies.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AccessControlOptions, distinctDenials, enforceRules, iamOptionsOf, serviceInvokeRefusal, sesAccountOf } from './access-control';
import { ServiceEndpoints, startServiceEndpoints } from '../api/service-endpoints';
import { AwsSdkTasks } from '../engine/aws-sdk-tasks';
import { DeliveryRefused, executionStatusChange, LocalEventBridge } from '../engine/event-bridge';
import { startExecutionRate } from '../engine/execution-limits';
import { LocalStepFunctions, MapProgress } from '../engine/step-functions';
import { AccessDenied, IamEngine } from '../iam/iam-engine';
import { stateMachineCallRefusal } from '../iam/state-machine-refusals';
import { AsyncInvocations, asyncInvokeConfigsOf } from '../lambda/async-invocation';
import { LambdaHost } from '../lambda/lambda-host';
import { namedError } from '../shared/named-error';
import { UsageError } from '../shared/usage-error';
import { createActiveTable } from '../stand-ins/active-table';
import { EndpointData, EndpointDataServer, startEndpointDataServer } from '../stand-ins/endpoint-data';
import { FaultPlan, gateRequests, s3SlowDown } from '../stand-ins/fault-injection';
import { LocalQueues, queuesOf } from '../stand-ins/sqs-queues';
import { LOCAL_CREDENTIALS, StandIns, startStandIns } from '../stand-ins/stand-ins';
import { AssemblyProcessor } from '../template/assembly-manifest';
import { CloudAssembly, localCloudAssembly } from '../template/cloud-assembly';
import { LocalFunction } from '../template/function-code';
import { functionArn } from '../template/token-resolver';

/** The region of an environment-agnostic stack's local cloud. */
export const REGION = 'us-east-1';

export interface LocalCloudOptions extends AccessControlOptions {
  /** The processor to run, of a synthesized cloud assembly: the local cloud is its stack's. */
  readonly processor: AssemblyProcessor;
  /** Answers the HTTP endpoint enrichers whose URL is outside the app (`--endpoint-data`). @default they are called at their URL */
  readonly endpointData?: EndpointData;
  /** Transient faults to inject (probabilities per request/invocation); S3's and DynamoDB's start with `startStoreFaults`. */
  readonly faults?: FaultPlan;
  /** S3's first-byte latency to model, in ms. @default 0 */
  readonly s3LatencyMs?: number;
  /**
   * Wait before each retry of a state, an event delivery or an asynchronous invocation, in ms, instead of the
   * definition's intervals (but those of a retrier of throttles only), EventBridge's backoff and Lambda's one and two
   * minutes. @default 25
   */
  readonly retryIntervalMs?: number;
  /** The account's Lambda concurrency quota in the region (`--lambda-concurrency`). @default 1000 (AWS's) */
  readonly lambdaConcurrency?: number;
  /** Told when a Distributed Map's children start and end. */
  readonly onMapProgress?: (progress: MapProgress) => void;
}

/** Something to stop when the local cloud closes, last started first stopped. */
type Closer = () => unknown;

/**
 * The local cloud of one stack: the stand-ins (S3, DynamoDB, SES), the local service endpoints
 * (Lambda Invoke, Step Functions, EventBridge, the stack's REST APIs), the synthesized template, the
 * Lambda host with the stack's functions, the Step Functions engine with its state machines and the
 * EventBridge rules, wired to each other. `close()` stops all of it.
 */
export class LocalCloud {
  /** Starts everything; what started is stopped again if a later part fails to start. */
  static async start(options: LocalCloudOptions): Promise<LocalCloud> {
    const closers: Closer[] = [];
    try {
      return await LocalCloud.startWith(options, closers);
    } catch (error) {
      await closeAll(closers);
      throw error;
    }
  }

  private static async startWith(options: LocalCloudOptions, closers: Closer[]): Promise<LocalCloud> {
    // The app is checked first (every function it can reach runnable, the endpoint data fitting its enricher):
    // what it refuses is refused before a stand-in starts.
    const endpoints = await startServiceEndpoints();
    closers.push(() => endpoints.close());
    const assembly = localCloudAssembly(options.processor.stack, { apiBaseUrl: endpoints.url, region: REGION, processors: [options.processor] });
    closers.push(() => assembly.dispose());
    let functions = assembly.functions;
    // The enrichment endpoints' fault rate, shared with the endpoint data server (`enrich` faults are theirs too).
    const enrichFaults = { rate: options.faults?.enrich ?? 0, random: options.faults?.random ?? Math.random };
    if (options.endpointData) {
      const server = await startEndpointDataServer(options.endpointData, enrichFaults);
      closers.push(() => server.close());
      functions = answeredByEndpointData(functions, endpoints.url, server, `--endpoint-data ${options.endpointData.file}: ${options.processor.path}`);
    }
    const standIns = await startStandIns({ s3LatencyMs: options.s3LatencyMs });
    closers.push(() => standIns.close());
    const ses = sesAccountOf(assembly, options);
    const iamOptions = iamOptionsOf(assembly, ses);
    const iam = options.iam === false ? undefined : new IamEngine(iamOptions);
    await enforceRules(standIns, endpoints, ses, iam && { engine: iam, options: iamOptions });
    const cloud = new LocalCloud(options, standIns, endpoints, assembly, functions, enrichFaults, closers, iam);
    // One warm container behind each REST API: its callers have an HTTP timeout that a worker's cold
    // start could exceed. Every other container starts when an invocation needs it (init outside the
    // function's timeout, as on AWS) and ends when idle, so memory follows the concurrency in use.
    const apiFunctions = new Set(assembly.restApis.flatMap((api) => api.routes.map((route) => route.functionName)));
    await Promise.all([...apiFunctions].map((name) => cloud.lambda.warmUp(name, 1)));
    await cloud.createResources();
    return cloud;
  }

  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly lambda: LambdaHost;
  readonly stepFunctions: LocalStepFunctions;
  readonly eventBridge: LocalEventBridge;
  /**
   * Lambda's asynchronous invocations (S3's notifications, EventBridge's targets, the Invoke API's `Event` type):
   * retries, then the on-failure destination and dead-letter queue.
   */
  readonly asyncInvocations: AsyncInvocations;
  /** The template's SQS queues, holding what was sent to them (dead-letter queues, on-failure destinations). */
  readonly queues: LocalQueues;
  /** Where the functions' stdout and stderr go (CloudWatch Logs, locally). */
  readonly logFile: string;
  private readonly sdk: AwsSdkTasks;
  private readonly logSink: fs.WriteStream;
  private readonly random: () => number;
  private endS3Faults?: () => void;

  private constructor(
    private readonly options: LocalCloudOptions,
    readonly standIns: StandIns,
    readonly endpoints: ServiceEndpoints,
    readonly assembly: CloudAssembly,
    functions: readonly LocalFunction[],
    private readonly enrichFaults: { rate: number },
    private readonly closers: Closer[],
    /** The IAM engine every call is authorized with; undefined when IAM is off. */
    readonly iam?: IamEngine,
  ) {
    const region = assembly.env.region;
    // Each service's endpoint, by the name of its SDK client package (`@aws-sdk/client-<service>`): the local
    // cloud's own clients and the state machines' SDK tasks use it, and the functions as `AWS_ENDPOINT_URL_<SERVICE>`.
    const endpointFor: Record<string, string> = {
      s3: standIns.s3Endpoint,
      dynamodb: standIns.dynamodbEndpoint,
      sesv2: standIns.sesEndpoint,
      ses: standIns.sesEndpoint,
      lambda: endpoints.url,
      sfn: endpoints.url,
      eventbridge: endpoints.url,
    };
    const clientConfig = (service: string) => ({
      region,
      endpoint: endpointFor[service],
      credentials: LOCAL_CREDENTIALS,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED' as const,
      responseChecksumValidation: 'WHEN_REQUIRED' as const,
    });
    this.s3 = new S3Client(clientConfig('s3'));
    this.dynamodb = new DynamoDBClient(clientConfig('dynamodb'));
    this.sdk = new AwsSdkTasks(clientConfig);
    closers.push(() => this.s3.destroy(), () => this.dynamodb.destroy(), () => this.sdk.close());

    this.logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'local-run-')), 'lambda.log');
    this.logSink = fs.createWriteStream(this.logFile);
    closers.push(() => this.flushLog());

    this.random = options.faults?.random ?? Math.random;
    this.lambda = new LambdaHost([...functions], {
      functionArn: (name) => functionArn(name, assembly.env),
      baseEnvironment: {
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        ...Object.fromEntries(Object.entries(endpointFor).map(([service, url]) => [`AWS_ENDPOINT_URL_${service.toUpperCase()}`, url])),
        AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
        AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
        // The SDK in the bundles must not look for real credentials or config files.
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
      // Each function signs with its own role's credentials, which name it to the IAM engine.
      credentialsFor: iam && ((name) => iam.callerFor(name).credentials),
      crashRate: options.faults?.lambda,
      random: this.random,
      logSink: this.logSink,
      concurrency: { limit: options.lambdaConcurrency, reservedElsewhere: assembly.reservedConcurrencyNotRun },
    });
    closers.push(() => this.lambda.close());

    this.stepFunctions = new LocalStepFunctions(assembly.stateMachines, {
      lambda: this.lambda,
      sdk: this.sdk,
      retryIntervalMs: options.retryIntervalMs ?? 25,
      // A run waiting its turn polls every half second instead of every 5 to 87 s: the burst drains as fast as the
      // runs ahead of it end, within the history's 25,000 events however long it waits.
      waitStateMs: 500,
      startExecutionRate: startExecutionRate(region),
      readItems: (resource, parameters) => this.readMapItems(resource, parameters),
      writeResults: (resource, parameters, files) => this.writeMapResults(resource, parameters, files),
      onMapProgress: options.onMapProgress,
      // Step Functions sends every status change of a Standard execution to the default event bus.
      onStatusChange: (record) => this.eventBridge.put('default', executionStatusChange(record)),
      refuseCall: iam && ((stateMachineArn, call) => stateMachineCallRefusal(iam, assembly.env, stateMachineArn, call)),
    });
    this.queues = new LocalQueues(queuesOf(assembly.template.Resources, (value) => assembly.resolve(value)));
    this.asyncInvocations = new AsyncInvocations(this.lambda, {
      configs: asyncInvokeConfigsOf(assembly.template.Resources, (value) => assembly.resolve(value)),
      queues: this.queues,
      functionArn: (name) => functionArn(name, assembly.env),
      retryIntervalMs: options.retryIntervalMs ?? 25,
      // Lambda sends the record or event with the function's execution role.
      sendRefusal: iam && ((name, queueArn) => {
        const [decision] = iam.authorize(iam.callerFor(name), [{ action: 'sqs:SendMessage', resource: queueArn }]);
        return decision.allowed ? undefined : `${name}'s role may not sqs:SendMessage to ${queueArn}`;
      }),
    });
    this.eventBridge = new LocalEventBridge(assembly.rules, assembly.eventBuses, {
      region,
      account: assembly.env.account,
      retryIntervalMs: options.retryIntervalMs ?? 25,
      invokeFunction: async (arn, event, rule) => {
        const refusal = this.serviceInvokeRefusal('events.amazonaws.com', arn, rule.arn);
        if (refusal) throw new DeliveryRefused(refusal);
        // EventBridge invokes a function asynchronously: delivered once Lambda has queued the event; the function's
        // errors are Lambda's to retry, then to send to its on-failure destination.
        this.asyncInvocations.accept(arn, event);
      },
      sendToDeadLetterQueue: (queueArn, event, attributes) => {
        if (this.queues.has(queueArn)) this.queues.send(queueArn, { sender: 'events.amazonaws.com', body: JSON.stringify(event), attributes });
      },
    });
    this.bindEndpoints(options.faults?.enrich ?? 0);
  }

  /** Resolves a value of the template (`{ Ref: … }`…) to its local value. */
  resolve(value: unknown): any {
    return this.assembly.resolve(value);
  }

  /**
   * Starts the stores' faults at the fault plan's rates (after the set-up's own traffic): S3 requests answered
   * `503 SlowDown`, DynamoDB batches answered in part (`ddb`, local/stand-ins/unprocessed-items.ts).
   */
  async startStoreFaults(): Promise<void> {
    this.endS3Faults = gateRequests(this.standIns.s3Server, this.options.faults?.s3 ?? 0, this.random, s3SlowDown);
    await this.standIns.setDynamoDbUnprocessedRate(this.options.faults?.ddb ?? 0);
  }

  /** Ends every injected fault: the cause of a failure is fixed. */
  async endFaults(): Promise<void> {
    this.endS3Faults?.();
    this.lambda.setCrashRate(0);
    this.bindEndpoints(0);
    await this.standIns.setDynamoDbUnprocessedRate(0);
  }

  /**
   * Whether `service` (`s3.amazonaws.com` for a bucket's notification, …) may invoke a function for its resource
   * `sourceArn`, by the function's policy: IAM's message when it may not (never refused with IAM off).
   */
  serviceInvokeRefusal(service: string, functionNameOrArn: string, sourceArn: string): string | undefined {
    return this.iam && serviceInvokeRefusal(this.iam, this.assembly, service, functionNameOrArn, sourceArn);
  }

  /** Every call refused so far, each (caller, action, resource) once. */
  async accessDenied(): Promise<AccessDenied[]> {
    await this.standIns.settleCounters();
    return distinctDenials([...this.iam?.accessDenied ?? [], ...this.standIns.dynamodbAccessDenied]);
  }

  /** Resolves once every event put so far has been delivered (or kept as a dead letter), and every asynchronous invocation it started is done with. */
  async settleEvents(): Promise<void> {
    // A function invoked asynchronously may put events in turn, whose targets are invoked asynchronously…
    do {
      await this.eventBridge.settle();
      await this.asyncInvocations.settle();
    } while (this.asyncInvocations.size > 0 || this.eventBridge.pending > 0);
  }

  /** Flushes the functions' log to `logFile`. */
  flushLog(): Promise<void> {
    return new Promise((resolve) => this.logSink.end(resolve));
  }

  /**
   * Stops everything the local cloud started. The work first: every execution still running is stopped (ABORTED),
   * Distributed Map children included, and nothing starts any more (no execution, Task, retry, Map child or event
   * delivery); the Lambda host then ends the invocations still running, and once every execution, Task and
   * delivery has settled, the services they called stop. Nothing of the local cloud runs after this resolves.
   */
  async close(): Promise<void> {
    this.stepFunctions.stop();
    const deliveries = this.eventBridge.close();
    const asyncInvocations = this.asyncInvocations.close();
    await this.lambda.close();
    await Promise.all([this.stepFunctions.settled(), deliveries, asyncInvocations]);
    await closeAll(this.closers);
  }

  private bindEndpoints(enrichFaultRate: number): void {
    this.enrichFaults.rate = enrichFaultRate;
    const { lambda, asyncInvocations, stepFunctions, eventBridge } = this;
    const { region, account } = this.assembly.env;
    const integrationArn = (m: { apiId: string; stage: string; method: string; path: string }) =>
      `arn:aws:execute-api:${region}:${account}:${m.apiId}/${m.stage}/${m.method}${m.path}`;
    this.endpoints.bind({
      lambda,
      asyncInvocations,
      stepFunctions,
      eventBridge,
      restApis: this.assembly.restApis,
      faultRate: enrichFaultRate,
      random: this.random,
      integrationRefused: (name, m) => this.serviceInvokeRefusal('apigateway.amazonaws.com', name, integrationArn(m)) !== undefined,
    });
  }

  /** Creates a bucket the template does not (one the app imports), empty; nothing for one of the template's. */
  async createBucket(bucket: string): Promise<void> {
    if (!this.assembly.buckets.includes(bucket)) await this.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  }

  /** The buckets and tables of the template, as CloudFormation would have created them (each table ACTIVE). */
  private async createResources(): Promise<void> {
    for (const bucket of this.assembly.buckets) await this.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const table of this.assembly.tables) {
      await createActiveTable(this.dynamodb, {
        TableName: table.name, KeySchema: table.keySchema as any, AttributeDefinitions: table.attributeDefinitions as any, BillingMode: 'PAY_PER_REQUEST',
      });
    }
  }

  /** A Distributed Map's ItemReader: a JSON array in S3. */
  private async readMapItems(resource: string, parameters: { Bucket: string; Key: string }): Promise<unknown[]> {
    if (!resource.startsWith('arn:aws:states:::s3:getObject')) throw new Error(`ItemReader ${resource} is not emulated`);
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: parameters.Bucket, Key: parameters.Key }));
      return JSON.parse(await object.Body!.transformToString('utf8'));
    } catch (error) {
      if ((error as Error).name !== 'NoSuchKey') throw error;
      throw namedError('States.ItemReaderFailed', `ItemReader: s3://${parameters.Bucket}/${parameters.Key} does not exist`);
    }
  }

  /** A Distributed Map's ResultWriter: its files, put in S3. */
  private async writeMapResults(
    resource: string,
    parameters: { Bucket: string },
    files: ReadonlyArray<{ key: string; body: string }>,
  ): Promise<void> {
    if (!resource.startsWith('arn:aws:states:::s3:putObject')) throw new Error(`ResultWriter ${resource} is not emulated`);
    for (const file of files) {
      await this.s3.send(new PutObjectCommand({ Bucket: parameters.Bucket, Key: file.key, Body: file.body, ContentType: 'application/json' }));
    }
  }
}

/**
 * The processor's functions, each HTTP enricher whose URL is outside the app (not a REST API of the app, which the local
 * endpoint serves) pointed at the endpoint data server instead. The names are the enricher's contract with
 * the construct (src/record-enricher.ts, lambda-src/enrich/enrich-config.ts).
 */
function answeredByEndpointData(functions: readonly LocalFunction[], apiBaseUrl: string, server: EndpointDataServer, given: string): LocalFunction[] {
  const outside = (fn: LocalFunction) => fn.environment.ENRICHER === 'http' && !String(fn.environment.ENRICH_URL).startsWith(apiBaseUrl);
  if (!functions.some(outside)) throw new UsageError(`${given} has no HTTP endpoint enricher with a URL outside the app to answer`);
  const answered = (fn: LocalFunction) => ({ ...fn, environment: { ...fn.environment, ENRICH_URL: server.localUrl(fn.environment.ENRICH_URL) } });
  return functions.map((fn) => (outside(fn) ? answered(fn) : fn));
}

async function closeAll(closers: Closer[]): Promise<void> {
  for (const close of closers.splice(0).reverse()) await close();
}
