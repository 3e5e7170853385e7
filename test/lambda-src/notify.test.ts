import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { handler } from '../../lambda-src/notify';
import { objectExists, readJson, readText, writeJson, writeText } from '../../lambda-src/shared/s3-objects';
import { ServiceEndpoints, startServiceEndpoints } from '../../local/api/service-endpoints';
import { AwsSdkTasks } from '../../local/engine/aws-sdk-tasks';
import { executionStatusChange, LocalEventBridge } from '../../local/engine/event-bridge';
import { ExecutionRecord } from '../../local/engine/execution-record';
import { LocalStepFunctions } from '../../local/engine/step-functions';
import { AsyncInvocations } from '../../local/lambda/async-invocation';
import { LambdaHost } from '../../local/lambda/lambda-host';
import { LocalQueues } from '../../local/stand-ins/sqs-queues';
import { RUN_EVENT_SOURCE } from '../../src/contract/run-events';
import { archiveKey, PublishedFiles, WorkFiles } from '../../src/contract/run-layout';
import { ExecutionStatusChange, RunSucceededTask } from '../../src/contract/run-payloads';
import { LocalAws, startLocalAws } from '../support/local-aws';

// aws-ses-v2-local's entry point is CommonJS: under jest a dynamic import() needs
// --experimental-vm-modules, while require() loads it (and its dependencies) as they are.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const startSes: (config: { host: string; port: number }) => Promise<Server> = require('aws-ses-v2-local').default;

interface StoredEmail {
  readonly from: string;
  readonly destination: { readonly to: string[] };
  readonly subject: string;
  readonly body: { readonly text?: string };
}

const bucket = 'notify-test';

/**
 * An orchestrator-like Standard state machine that fails at `FailingStep`: its execution's
 * status change and history are what notify is told and reads about a failed run.
 */
const orchestratorArn = 'arn:aws:states:us-east-1:000000000000:stateMachine:Orchestrator';
const orchestrator = {
  arn: orchestratorArn,
  name: 'Orchestrator',
  type: 'STANDARD' as const,
  definition: {
    StartAt: 'SplitInput',
    States: {
      SplitInput: { Type: 'Pass', Next: 'FailingStep' },
      FailingStep: { Type: 'Fail', Error: 'InputFormatError', Cause: JSON.stringify({ errorType: 'InputFormatError', errorMessage: 'orders.csv line 57: unterminated quoted field' }) },
    },
  },
};

describe('notify', () => {
  let aws: LocalAws;
  let ses: Server;
  let sesUrl: string;
  let endpoints: ServiceEndpoints;
  let eventBridge: LocalEventBridge;
  let stepFunctions: LocalStepFunctions;
  const sdk = new AwsSdkTasks(() => ({}));

  beforeAll(async () => {
    aws = await startLocalAws({ bucket });
    ses = await startSes({ host: '127.0.0.1', port: 0 });
    sesUrl = `http://127.0.0.1:${(ses.address() as AddressInfo).port}`;
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SESV2: sesUrl,
      BUCKET_NAME: bucket,
      LOG_LEVEL: 'error',
      EMAIL_SENDER: 'batch@example.com',
      EMAIL_RECIPIENTS: 'ops@example.com, data@example.com',
      LINK_EXPIRY_SECONDS: '3600',
      EVENT_BUS_NAME: 'runs-bus',
    });
    // The real local Step Functions and EventBridge APIs the handler calls (GetExecutionHistory, PutEvents).
    endpoints = await startServiceEndpoints();
    const lambda = new LambdaHost([], { baseEnvironment: {}, functionArn: (name) => name });
    stepFunctions = new LocalStepFunctions([orchestrator], { lambda, sdk, readItems: async () => [], writeResults: async () => undefined });
    eventBridge = new LocalEventBridge([], ['default', 'runs-bus'], { region: 'us-east-1', account: '000000000000', invokeFunction: async () => undefined });
    const asyncInvocations = new AsyncInvocations(lambda, { configs: new Map(), queues: new LocalQueues([]), functionArn: (name) => name });
    endpoints.bind({ lambda, asyncInvocations, stepFunctions, eventBridge, restApis: [] });
    Object.assign(process.env, { AWS_ENDPOINT_URL_SFN: endpoints.url, AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.url });
  });

  afterAll(async () => {
    sdk.close();
    await endpoints?.close();
    if (ses) {
      await new Promise<void>((resolve) => {
        ses.close(() => resolve());
        ses.closeAllConnections();
      });
    }
    await aws?.close();
  });

  beforeEach(async () => {
    eventBridge.events.length = 0;
    await fetch(`${sesUrl}/clear-store`, { method: 'POST' });
  });

  const runEvents = () => eventBridge.events.filter(({ event }) => event.source === RUN_EVENT_SOURCE).map(({ eventBusName, event }) => ({ eventBusName, type: event['detail-type'], detail: event.detail as any }));

  /** A run of the orchestrator above, ended at FailingStep, and the status change Step Functions sends for it. */
  async function failedExecution(runId: string, key: string): Promise<{ record: ExecutionRecord; event: ExecutionStatusChange }> {
    const record = await stepFunctions.startExecution(orchestratorArn, { runId, bucket, key }, runId).done;
    const entry = executionStatusChange(record);
    return { record, event: { 'detail-type': 'Step Functions Execution Status Change', 'source': 'aws.states', 'detail': JSON.parse(entry.Detail!) } };
  }

  async function sentEmails(): Promise<StoredEmail[]> {
    const store = await (await fetch(`${sesUrl}/store`)).json() as { emails: StoredEmail[] };
    return store.emails;
  }

  function runFiles(runId: string) {
    const work = new WorkFiles('runs/', runId);
    const published = new PublishedFiles('output/', runId, 'input/orders.csv');
    const merge = {
      records: { total: 3, valid: 2, rejected: 1 },
      outputKey: published.outputKey,
      rejectsKey: published.rejectsKey,
      stagedOutputKey: work.stagedOutputKey('input/orders.csv'),
      stagedRejectsKey: work.stagedRejectsKey('input/orders.csv'),
      failedChunks: 0,
    };
    const split = {
      runId,
      manifestKey: work.manifestKey,
      chunkCount: 2,
      records: 3,
      delimiter: ',',
      outputKey: published.outputKey,
      rejectsKey: published.rejectsKey,
      summaryKey: published.summaryKey,
      archiveKey: archiveKey('archive/', runId, 'input/orders.csv'),
      copySource: `${bucket}/input/orders.csv`,
    };
    return { work, published, split, merge };
  }

  async function stagedRun(runId: string) {
    const files = runFiles(runId);
    await writeJson({ bucket, key: files.work.runPlanKey }, { ...files.split, startedAt: new Date(Date.now() - 61_000).toISOString() });
    await writeText({ bucket, key: 'input/orders.csv' }, 'uuid,Country\n1,Chad\n2,Peru\nx,Fiji\n');
    await writeText({ bucket, key: files.work.stagedOutputKey('input/orders.csv') }, 'uuid,Country\n1,Chad\n2,Peru\n');
    await writeText({ bucket, key: files.work.stagedRejectsKey('input/orders.csv') }, 'line,uuid,Country,reasons\n4,x,Fiji,bad uuid\n');
    return files;
  }

  test('a successful run: publishes the staged files, removes the input, writes the summary, emails working links, puts the event', async () => {
    const { published, split, merge } = await stagedRun('orders-ok');
    const executionArn = `${orchestratorArn.replace(':stateMachine:', ':execution:')}:orders-ok`;
    const task: RunSucceededTask = { status: 'SUCCEEDED', runId: 'orders-ok', bucket, key: 'input/orders.csv', executionArn, redriveCount: 0, split, merge };

    expect(await handler(task)).toEqual({ summaryKey: published.summaryKey, emailed: true });
    // Repeating the step (a retry, a redrive) ends the same way.
    expect(await handler(task)).toEqual({ summaryKey: published.summaryKey, emailed: true });

    expect(await readText({ bucket, key: published.outputKey })).toBe('uuid,Country\n1,Chad\n2,Peru\n');
    expect(await readText({ bucket, key: published.rejectsKey })).toContain('bad uuid');
    expect(await objectExists({ bucket, key: 'input/orders.csv' })).toBe(false);
    const summary = await readJson<any>({ bucket, key: published.summaryKey });
    expect(summary).toMatchObject({ status: 'SUCCEEDED', executionArn, records: { total: 3, valid: 2, rejected: 1 }, output: published.outputKey, chunks: 2 });
    expect(summary.redriveCount).toBeUndefined();
    expect(summary.durationMs).toBeGreaterThanOrEqual(61_000);
    expect(summary.durationMs).toBeLessThan(120_000);

    const [email] = await sentEmails();
    expect(email.from).toBe('batch@example.com');
    expect(email.destination.to).toEqual(['ops@example.com', 'data@example.com']);
    expect(email.subject).toBe('Batch run orders.csv: 2 valid, 1 rejected');
    const text = email.body.text!;
    expect(text).not.toMatch(/Chad|Peru|Fiji/);
    const links = text.match(/http:\/\/\S+/g)!;
    expect(links).toHaveLength(2);
    expect(links[0]).toContain('X-Amz-Expires=3600');
    expect(await (await fetch(links[0])).text()).toBe('uuid,Country\n1,Chad\n2,Peru\n');
    expect(await (await fetch(links[1])).text()).toContain('bad uuid');

    const [event] = runEvents();
    expect(event).toEqual({
      eventBusName: 'runs-bus',
      type: 'Batch Run Succeeded',
      detail: {
        runId: 'orders-ok',
        executionArn,
        bucket,
        inputKey: 'input/orders.csv',
        outputKey: published.outputKey,
        rejectsKey: published.rejectsKey,
        summaryKey: published.summaryKey,
        records: { total: 3, valid: 2, rejected: 1 },
      },
    });
  });

  test('a redriven run that succeeds says so in the summary, the email and the event', async () => {
    const { published, split, merge } = await stagedRun('orders-redriven');
    await handler({ status: 'SUCCEEDED', runId: 'orders-redriven', bucket, key: 'input/orders.csv', executionArn: 'arn:x', redriveCount: 2, split, merge });
    expect((await readJson<any>({ bucket, key: published.summaryKey })).redriveCount).toBe(2);
    expect((await sentEmails())[0].body.text).toContain('succeeded after 2 redrives.');
    expect(runEvents()[0].detail.redriveCount).toBe(2);
  });

  test('a failed run, from its status change: removes what was published, names the failed step and the redrive command', async () => {
    const { work, published, split } = runFiles('orders-failed');
    await writeJson({ bucket, key: work.runPlanKey }, { ...split, startedAt: new Date().toISOString() });
    await writeText({ bucket, key: published.outputKey }, 'uuid\n1\n');
    await writeText({ bucket, key: published.rejectsKey }, 'line,uuid,reasons\n');
    const { record, event } = await failedExecution('orders-failed', 'input/orders.csv');
    expect(record.status).toBe('FAILED');

    expect(await handler(event)).toEqual({ summaryKey: published.summaryKey, emailed: true });

    expect(await objectExists({ bucket, key: published.outputKey })).toBe(false);
    expect(await objectExists({ bucket, key: published.rejectsKey })).toBe(false);
    const summary = await readJson<any>({ bucket, key: published.summaryKey });
    expect(summary).toMatchObject({
      status: 'FAILED',
      executionArn: record.executionArn,
      failedStep: 'FailingStep',
      chunks: 2,
      error: { code: 'InputFormatError', message: 'orders.csv line 57: unterminated quoted field' },
      redrive: { command: `aws stepfunctions redrive-execution --execution-arn ${record.executionArn}` },
    });
    // Redrive is possible for 14 days after the execution stopped.
    expect(Date.parse(summary.redrive.possibleUntil) - record.stopDate!.getTime()).toBe(14 * 24 * 3600 * 1000);
    expect(summary.output).toBeUndefined();
    const [email] = await sentEmails();
    expect(email.subject).toBe('Batch run orders.csv failed: InputFormatError');
    expect(email.body.text).toContain('Failed step: FailingStep\nError: InputFormatError\nCause: orders.csv line 57: unterminated quoted field');
    expect(email.body.text).toContain(`aws stepfunctions redrive-execution --execution-arn ${record.executionArn}`);
    expect(runEvents()).toEqual([{
      eventBusName: 'runs-bus',
      type: 'Batch Run Failed',
      detail: {
        runId: 'orders-failed',
        executionArn: record.executionArn,
        bucket,
        inputKey: 'input/orders.csv',
        summaryKey: published.summaryKey,
        error: { code: 'InputFormatError', message: 'orders.csv line 57: unterminated quoted field' },
      },
    }]);
  });

  test.each([
    ['TIMED_OUT', 'States.Timeout', /did not finish within its time limit/],
    ['ABORTED', 'ExecutionAborted', /was stopped/],
  ] as const)('a run that ended %s is reported, no email without recipients', async (status, code, message) => {
    process.env.EMAIL_RECIPIENTS = ' ';
    try {
      const runId = `stopped-${status}`;
      const { event } = await failedExecution(runId, 'input/empty.csv');
      const stopped: ExecutionStatusChange = { ...event, detail: { ...event.detail, status, error: null, cause: null } };
      const published = new PublishedFiles('output/', runId, 'input/empty.csv');
      expect(await handler(stopped)).toEqual({ summaryKey: published.summaryKey, emailed: false });
      expect(await readJson<any>({ bucket, key: published.summaryKey })).toMatchObject({ status: 'FAILED', error: { code, message: expect.stringMatching(message) } });
      expect(await sentEmails()).toHaveLength(0);
      expect(runEvents()[0].detail.error.code).toBe(code);
    } finally {
      process.env.EMAIL_RECIPIENTS = 'ops@example.com, data@example.com';
    }
  });

  test('a Map that gave up is explained by every failure record, past one page of listing', async () => {
    const { work, published } = runFiles('many-failed');
    await writeJson({ bucket, key: work.manifestKey }, [{ index: 0, key: 'c0', records: 1, firstLine: 2 }]);
    // More records than one ListObjectsV2 page (1,000 keys), and keys that sort as text: 10 before 2.
    const failed = 1_005;
    for (let chunk = 0; chunk < failed; chunk++) {
      await writeText({ bucket, key: `${work.chunkFailuresPrefix}${chunk}` }, JSON.stringify({ errorType: 'EnrichmentUnavailable', errorMessage: `chunk ${chunk} down` }));
    }
    const { event } = await failedExecution('many-failed', 'input/orders.csv');
    const mapFailed: ExecutionStatusChange = { ...event, detail: { ...event.detail, error: 'States.ExceedToleratedFailureThreshold', cause: 'The specified tolerated failure threshold was exceeded' } };
    await handler(mapFailed);
    const summary = await readJson<any>({ bucket, key: published.summaryKey });
    expect(summary.error.code).toBe('EnrichmentUnavailable');
    expect(summary.error.message).toMatch(/^chunk 0 \(records from input line 2\) failed with EnrichmentUnavailable: chunk 0 down; chunk 1 failed with .*; chunk 2 failed with .*; 1002 more chunks failed; the run stopped/);
  }, 120_000);
});
