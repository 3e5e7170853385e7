import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { OrdersPipelineStack } from '../../examples/orders-stack';
import { LocalRunResult, runLocally } from '../../local/run/runner';
import { writeSampleOrders } from '../../local/samples/sample-orders';
import { expectNothingLost } from '../support/reliability-invariants';
import { tempFolder } from '../support/temp-folder';

// Operating runs that fail, through the runner: a redrive after an outage, runs that time out
// or are stopped, and a run that fails after it published.
const work = tempFolder('e2e-recovery-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const RECORDS = 2_000;
const CHUNKS = 20;
const sample = writeSampleOrders(path.join(work, 'orders'), { records: RECORDS, seed: 23, invalidEvery: 97, missingFinancialsEvery: 131 });
const run = (name: string, options: Partial<Parameters<typeof runLocally>[0]> = {}) => runLocally({
  input: sample.ordersFile,
  lookup: sample.financialsFile,
  chunkSize: RECORDS / CHUNKS,
  outDir: path.join(work, name),
  testHooks: { readRejectedRecords: true },
  ...options,
});

describe('a run that failed in an enrichment outage, redriven once the endpoint is back', () => {
  // The endpoint answers the first requests, then 503 to every attempt: the run fails in the
  // Distributed Map once a chunk has used up its retries (no failure is tolerated).
  const ANSWERED = 12;
  let undisturbed: LocalRunResult;
  let redriven: LocalRunResult;
  beforeAll(async () => {
    undisturbed = await run('undisturbed');
    let requests = 0;
    redriven = await run('redriven', { faults: { enrich: 1, random: () => (++requests <= ANSWERED ? 1 : 0) }, redrive: true });
  });

  test('the first attempt failed in ProcessChunks and was reported, with the redrive command', () => {
    const [failed] = redriven.runEvents;
    expect(failed.detailType).toBe('Batch Run Failed');
    expect(failed.detail.error.code).toBe('EnrichmentUnavailable');
    const failureEmail = redriven.emails.find((email) => email.subject.includes('failed'))!;
    expect(failureEmail.text).toContain('Failed step: ProcessChunks');
    expect(failureEmail.text).toContain(`aws stepfunctions redrive-execution --execution-arn ${failed.detail.executionArn}`);
  });

  test('the redriven run succeeds and says so', () => {
    expect(redriven.redrives).toBe(1);
    expect(redriven.executionStatus).toBe('SUCCEEDED');
    expect(redriven.runEvents.map((e) => e.detailType)).toEqual(['Batch Run Failed', 'Batch Run Succeeded']);
    expect(redriven.runEvents[1].detail.redriveCount).toBe(1);
    expect(JSON.parse(fs.readFileSync(redriven.summary!, 'utf8'))).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(redriven.emails.map((e) => e.text).find((text) => text.includes('succeeded'))).toContain('succeeded after a redrive');
  });

  test('its output, rejects and table equal the undisturbed run\'s, each rejected record once', () => {
    expectNothingLost(undisturbed, RECORDS);
    expectNothingLost(redriven, RECORDS);
    expect(fs.readFileSync(redriven.output!)).toEqual(fs.readFileSync(undisturbed.output!));
    expect(fs.readFileSync(redriven.rejects!)).toEqual(fs.readFileSync(undisturbed.rejects!));
    const items = (r: LocalRunResult) => r.rejectedRecords!.map(({ line, fields, reasons }) => ({ line, fields, reasons }));
    expect(items(redriven)).toEqual(items(undisturbed));
  });

  test('its Map results list the chunks that failed twice, FAILED then SUCCEEDED, and merge accounted for every record', () => {
    // The first attempt's result files are kept and the redrive's added (local/engine/distributed-map.ts):
    // merge counts a chunk listed FAILED and SUCCEEDED as SUCCEEDED (lambda-src/merge/map-results.ts).
    const mapResults = redriven.objects.filter((key) => key.includes('/map-results/')).map((key) => key.replace(/^.*\/map-results\/[^/]+\//, ''));
    expect(mapResults).toEqual(expect.arrayContaining(['FAILED_0.json', 'SUCCEEDED_0.json', 'SUCCEEDED_1.json', 'manifest.json']));
    expect(redriven.records.total).toBe(RECORDS);
    expect(redriven.records.valid + redriven.records.rejected).toBe(RECORDS);
  });

  test('the chunks that had succeeded were not processed again', () => {
    // Each chunk is one Express execution. The first attempt ran the answered chunks and at most
    // one Map concurrency's worth (10) of failing ones; the redrive ran only those that had not
    // succeeded. Re-running every chunk would take at least CHUNKS + ANSWERED + 1 executions.
    expect(undisturbed.stats.expressRequests).toBe(CHUNKS);
    expect(redriven.stats.expressRequests).toBeGreaterThan(CHUNKS);
    expect(redriven.stats.expressRequests).toBeLessThanOrEqual(CHUNKS + 10);
  });
});

describe('runs that end without failing a step', () => {
  test('a run over its time limit ends TIMED_OUT and is reported, and publishes nothing', async () => {
    const result = await run('timed-out', {
      chunkSize: 10,
      createStack: (app, props) => new OrdersPipelineStack(app, 'OrdersPipeline', { ...props, processorProps: { runTimeout: Duration.seconds(1) } }),
    });
    expect(result.executionStatus).toBe('TIMED_OUT');
    expect(result.status).toBe('FAILED');
    expect(result.error?.code).toBe('States.Timeout');
    expect(result.runEvents).toEqual([expect.objectContaining({ detailType: 'Batch Run Failed' })]);
    expect(result.emails[0].subject).toContain('States.Timeout');
    expect(result.output).toBeNull();
  });

  test('a stopped (aborted) run is reported with how to resume it', async () => {
    const result = await run('aborted', { testHooks: { readRejectedRecords: true, abortAfterChunks: 3 } });
    expect(result.executionStatus).toBe('ABORTED');
    expect(result.error?.code).toBe('ExecutionAborted');
    const summary = JSON.parse(fs.readFileSync(result.summary!, 'utf8'));
    expect(summary).toMatchObject({ status: 'FAILED', failedStep: 'ProcessChunks', redrive: { command: expect.stringContaining('redrive-execution') } });
    expect(result.objects).toContain(result.inputKey);
  });
});

test('a run that fails after publishing leaves nothing published, and a report notify fails on reaches the dead-letter queue', async () => {
  // An event bus that does not exist: NotifySuccess publishes, then cannot put the run event and fails.
  const result = await run('missing-bus', {
    createStack: (app, props) => {
      const missingBus = events.EventBus.fromEventBusName(new Stack(app, 'Buses'), 'MissingBus', 'missing-bus');
      return new OrdersPipelineStack(app, 'OrdersPipeline', { ...props, processorProps: { eventBus: missingBus } });
    },
  });
  expect(result.executionStatus).toBe('FAILED');
  expect(result.objects.filter((key) => key.startsWith(`output/${result.runId}/`))).toEqual([`output/${result.runId}/summary.json`]);
  // The failure report cannot put its event either: EventBridge delivered it (Lambda queued it), notify failed
  // three times (once and Lambda's two retries), and Lambda sent its invocation record to the on-failure destination.
  expect(result.deadLetters).toBe(0);
  // Each attempt emailed before it failed on the event: three attempts, three emails.
  expect(result.emails.filter((email) => email.subject === 'Batch run orders.csv failed: Error')).toHaveLength(3);
  const reports = result.queueMessages.filter((message) => message.queue === 'OrdersPipeline/Orders/FailureReportDeadLetterQueue');
  expect(reports).toHaveLength(1);
  expect(reports[0].sender).toMatch(/^lambda:OrdersNotify/);
  const record = JSON.parse(reports[0].body);
  expect(record.requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: 3, functionArn: expect.stringMatching(/:function:OrdersNotify[0-9A-F]+:\$LATEST$/) });
  expect(record.requestPayload).toMatchObject({
    'source': 'aws.states',
    'detail-type': 'Step Functions Execution Status Change',
    'detail': { status: 'FAILED', name: expect.stringContaining(result.runId), error: expect.any(String) },
  });
  expect(record.responseContext).toMatchObject({ functionError: 'Unhandled' });
  expect(record.responsePayload.errorType).toEqual(expect.any(String));
});
