import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalRunResult, runLocally } from '../../local/run/runner';
import { writeSampleOrders } from '../../local/samples/sample-orders';
import { RUN_FAILED_DETAIL_TYPE, RUN_SUCCEEDED_DETAIL_TYPE } from '../../src/contract/run-events';
import { expectFailedRun, expectNothingLost } from '../support/reliability-invariants';
import { tempFolder } from '../support/temp-folder';

// Faults through the runner: transient S3, enrichment and Lambda failures must not change the
// result; an enrichment endpoint that never answers must fail the run and say so.
// At these rates retries absorb almost every fault, but not all: which request draws which number
// depends on thread scheduling, and one batch failing its 3 enrichment attempts (0.2^3 per batch)
// is a chunk failure. That run fails as on AWS, and a redrive (what an operator does) must still
// end with the same result, so the faulty run is redriven when it fails, and the failure it
// reported must have been a transient one.
// (The same S3 event delivered twice is in local-runner.test.ts.)
const work = tempFolder('e2e-faults-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A seeded generator (Park–Miller), so that a failing run can be replayed with the same draws. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16_807) % 2_147_483_647;
    return (state - 1) / 2_147_483_646;
  };
}

/** What the injected faults can exhaust: enrichment's attempts, S3's retries, a Lambda's retries. */
const TRANSIENT_CAUSES = /^(EnrichmentUnavailable|SlowDown|Runtime\.ExitError|Lambda\.Unknown|States\.ExceedToleratedFailureThreshold)$/;

describe('transient faults at s3=0.05, enrich=0.2, lambda=0.02', () => {
  const sample = writeSampleOrders(path.join(work, 'flaky'), { records: 240, seed: 11, invalidEvery: 37, missingFinancialsEvery: 53 });
  const FAULT_RATES = { s3: 0.05, enrich: 0.2, lambda: 0.02 };
  let clean: LocalRunResult;
  let faulty: LocalRunResult;
  /** Draws that injected a fault whichever gate drew them: below the lowest rate. */
  let certainFaults = 0;
  beforeAll(async () => {
    const run = (name: string, faults?: typeof FAULT_RATES & { random: () => number }) => runLocally({
      input: sample.ordersFile,
      lookup: sample.financialsFile,
      chunkSize: 40,
      outDir: path.join(work, name),
      faults,
      testHooks: { readRejectedRecords: true },
      redrive: true,
    });
    clean = await run('clean');
    const random = seededRandom(6);
    faulty = await run('faulty', {
      ...FAULT_RATES,
      random: () => {
        const draw = random();
        if (draw < FAULT_RATES.lambda) certainFaults++;
        return draw;
      },
    });
  });

  test('the run without faults keeps every record', () => {
    expectNothingLost(clean, 240);
    expect(clean.records.rejected).toBeGreaterThan(0);
  });

  test('faults were injected, and the run still succeeds with every record', () => {
    expect(certainFaults).toBeGreaterThan(0);
    expectNothingLost(faulty, 240);
    expect(clean.redrives).toBe(0);
  });

  test('a run the faults made fail reported a transient cause and succeeded when redriven', () => {
    const failures = faulty.runEvents.filter((e) => e.detailType === RUN_FAILED_DETAIL_TYPE);
    expect(failures).toHaveLength(faulty.redrives);
    for (const { detail } of failures) expect(detail.error.code).toMatch(TRANSIENT_CAUSES);
    const succeeded = faulty.runEvents.filter((e) => e.detailType === RUN_SUCCEEDED_DETAIL_TYPE);
    expect(succeeded.map((e) => e.detail.redriveCount ?? 0)).toEqual([faulty.redrives]);
  });

  test('the output, the rejects and the rejected-records table are the same as without faults', () => {
    expect(faulty.records).toEqual(clean.records);
    expect(fs.readFileSync(faulty.output!)).toEqual(fs.readFileSync(clean.output!));
    expect(fs.readFileSync(faulty.rejects!)).toEqual(fs.readFileSync(clean.rejects!));
    const items = (r: LocalRunResult) => r.rejectedRecords!.map(({ line, fields, reasons }) => ({ line, fields, reasons }));
    expect(items(faulty)).toEqual(items(clean));
    expect(faulty.stats.orchestratorExecutions).toBe(1);
    // One success email, after a failure email if the faults made the first attempt fail.
    expect(faulty.emails).toHaveLength(1 + faulty.redrives);
  });
});

test('an enrichment endpoint that keeps failing fails the run, naming the chunk and the enrichment error; nothing is published', async () => {
  const dir = path.join(work, 'outage');
  const sample = writeSampleOrders(dir, { records: 20, seed: 4, invalidEvery: 1000, missingFinancialsEvery: 1000 });
  const result = await runLocally({
    input: sample.ordersFile, lookup: sample.financialsFile, chunkSize: 10, outDir: path.join(dir, 'out'), faults: { enrich: 1 },
  });
  // The code and message come from the chunk's failure record, not from the Map's own error
  // (on AWS that is only States.ExceedToleratedFailureThreshold with a generic cause).
  const cause = /chunk [01] \(records from input line (2|12)\) failed with EnrichmentUnavailable: enrichment endpoint \S+ failed \d+ attempts.*the run stopped because more chunks failed than tolerated \(States\.ExceedToleratedFailureThreshold\)/s;
  expectFailedRun(result, 'orders.csv', 'EnrichmentUnavailable', cause);
  expect(result.objects.some((key) => new RegExp(`^runs/${result.runId}/failures/[01]$`).test(key))).toBe(true);
});

test('two different files uploaded at once: one run each, outputs not mixed', async () => {
  const dir = path.join(work, 'together');
  const first = writeSampleOrders(path.join(dir, 'first'), { records: 60, seed: 21, invalidEvery: 17, missingFinancialsEvery: 1000 });
  const second = writeSampleOrders(path.join(dir, 'second'), { records: 45, seed: 22, invalidEvery: 1000, missingFinancialsEvery: 11 });
  const secondFile = path.join(dir, 'returns.csv');
  fs.copyFileSync(second.ordersFile, secondFile);
  // One lookup table serves both runs, as in a deployed stack.
  const lookup = path.join(dir, 'financials.csv');
  fs.writeFileSync(lookup, first.financialsCsv + second.financialsCsv.slice(second.financialsCsv.indexOf('\n') + 1));

  const result = await runLocally({
    input: first.ordersFile, concurrentInputs: [secondFile], lookup, chunkSize: 20, outDir: path.join(dir, 'out'),
  });

  expect(result.stats.orchestratorExecutions).toBe(2);
  expect(result.runs).toHaveLength(2);
  const other = result.runs[1];
  expect(other.inputKey).toBe('input/returns.csv');
  expect(other.runId).not.toBe(result.runId);
  expect(result.status).toBe('SUCCEEDED');
  expect(other.status).toBe('SUCCEEDED');

  // Each run's output and rejects hold exactly its own input's records, none of the other's.
  const uuidsOf = (csv: string) => new Set(csv.trim().split('\n').slice(1).map((line) => line.split(',')[0]));
  const uuidsOfRejects = (csv: string) => new Set(csv.trim().split('\n').slice(1).map((line) => line.split(',')[1]));
  const published = (output: string | null, rejects: string | null) =>
    new Set([...uuidsOf(fs.readFileSync(output!, 'utf8')), ...uuidsOfRejects(fs.readFileSync(rejects!, 'utf8'))]);
  expect(published(result.output, result.rejects)).toEqual(uuidsOf(first.ordersCsv));
  expect(published(other.output, other.rejects)).toEqual(uuidsOf(second.ordersCsv));
  expect(result.records).toEqual({ total: 60, valid: 60 - 3, rejected: 3 });
  expect(other.records).toEqual({ total: 45, valid: 45 - 4, rejected: 4 });
  expect(result.emails).toHaveLength(2);
});

test('a trigger that fails every attempt leaves the S3 event in its dead-letter queue, and the run never starts', async () => {
  const dir = path.join(work, 'trigger-fails');
  const sample = writeSampleOrders(path.join(dir, 'orders'), { records: 20, seed: 31, invalidEvery: 1000, missingFinancialsEvery: 1000 });
  // Every invocation crashes: the trigger fails once and on both of Lambda's retries.
  const result = await runLocally({
    input: sample.ordersFile, lookup: sample.financialsFile, chunkSize: 10, outDir: path.join(dir, 'out'), faults: { lambda: 1 },
  });

  expect([result.status, result.executionStatus, result.error?.code]).toEqual(['FAILED', 'NOT_STARTED', 'Runtime.ExitError']);
  expect([result.stats.orchestratorExecutions, result.stats.lambdaInvocations]).toEqual([0, 3]);
  // A function dead-letter queue gets the event itself, why it failed in the message attributes
  // (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
  expect(result.queueMessages).toHaveLength(1);
  const [message] = result.queueMessages;
  expect(message.queue).toBe('OrdersPipeline/Orders/TriggerDeadLetterQueue');
  expect(message.sender).toMatch(/^lambda:OrdersTrigger/);
  expect(message.attributes).toEqual({ RequestID: expect.any(String), ErrorCode: '200', ErrorMessage: expect.stringContaining('injected fault') });
  const event = JSON.parse(message.body);
  expect(event.Records).toHaveLength(1);
  expect(event.Records[0]).toMatchObject({ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { object: { key: result.inputKey } } });
  // The upload is still there to process again once the cause is fixed.
  expect(result.objects).toContain(result.inputKey);
});
