import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { parse } from 'csv-parse/sync';
import { LocalRunResult, runLocally } from '../../local/run/runner';
import { FINANCIAL_HEADER, writeSampleOrders } from '../../local/samples/sample-orders';
import { BatchFileProcessor, RecordEnricher, RecordValidator } from '../../src';
import { expectedRun, expectPublished } from '../support/expected-run';
import { tempFolder } from '../support/temp-folder';

// A burst (issue 24): 8 files uploaded at the same instant into an account whose Lambda concurrency quota is 4.
// The processor is sized by the construct's own check, lambdaConcurrency 4: 1 run × 1 chunk × 1 invocation + 3
// for trigger, run-turns and notify. Its enrichment reads a DynamoDB table, so a chunk holds one slot only.
const FILES = 8;
const RECORDS = 60;
const ACCOUNT_CONCURRENCY = 4;
const work = tempFolder('e2e-burst-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const inputs = path.join(work, 'inputs');
fs.mkdirSync(inputs);
const samples = Array.from({ length: FILES }, (_, i) => {
  const sample = writeSampleOrders(path.join(work, `sample-${i}`), { records: RECORDS, seed: 100 + i, invalidEvery: 13, missingFinancialsEvery: 11 });
  const file = path.join(inputs, `orders-${i}.csv`);
  fs.copyFileSync(sample.ordersFile, file);
  return { ...sample, file };
});
// One table serves every run, as in a deployed stack.
const financialsFile = path.join(work, 'financials.csv');
fs.writeFileSync(financialsFile, FINANCIAL_HEADER.join(',') + '\n' + samples.map((s) => s.financialsCsv.slice(s.financialsCsv.indexOf('\n') + 1)).join(''));

const PRIORITY_PATTERN = '^[CHL]$';
const financials = new Map((parse(fs.readFileSync(financialsFile)) as string[][]).slice(1).map(([uuid, ...figures]) => [uuid, figures]));
const configuration = {
  validate: (record: Record<string, string>) => (new RegExp(PRIORITY_PATTERN).test(record['Order Priority']) ? [] : [`Order Priority: must match ${PRIORITY_PATTERN}`]),
  enrich: {
    columns: FINANCIAL_HEADER.slice(1),
    values: (record: Record<string, string>) => financials.get(record.uuid),
    missingReason: (record: Record<string, string>) => `no enrichment data for uuid=${record.uuid}`,
  },
};

function burstStack(app: App) {
  const stack = new Stack(app, 'Burst');
  const financialsTable = new dynamodb.Table(stack, 'Financials', {
    partitionKey: { name: 'uuid', type: dynamodb.AttributeType.STRING }, removalPolicy: RemovalPolicy.DESTROY,
  });
  const processor = new BatchFileProcessor(stack, 'Processor', {
    chunkSize: 20,
    maxConcurrency: 1,
    maxConcurrentRuns: 1,
    lambdaConcurrency: ACCOUNT_CONCURRENCY,
    validator: RecordValidator.fromJsonSchema({ type: 'object', properties: { 'Order Priority': { type: 'string', pattern: PRIORITY_PATTERN } } }),
    enrichment: RecordEnricher.fromTable(financialsTable, { keyColumn: 'uuid', fields: FINANCIAL_HEADER.slice(1) }),
    removalPolicy: RemovalPolicy.DESTROY,
  });
  return Object.assign(stack, { processor, financialsTable });
}

/** run-turns' log lines: its answers to TakeTurn, in order. */
function turnAnswers(log: string): Array<{ message: string; runId: string }> {
  return fs.readFileSync(log, 'utf8').split('\n').filter((line) => line.includes('"turn taken"') || line.includes('"waiting for a turn"'))
    .map((line) => JSON.parse(line.slice(line.indexOf('{'))));
}

describe(`${FILES} files of ${RECORDS} records uploaded at the same instant, account concurrency ${ACCOUNT_CONCURRENCY}`, () => {
  let result: LocalRunResult;
  beforeAll(async () => {
    const [first, ...others] = samples.map((s) => s.file);
    result = await runLocally({
      input: first,
      concurrentInputs: others,
      lookup: financialsFile,
      lambdaConcurrency: ACCOUNT_CONCURRENCY,
      outDir: path.join(work, 'out'),
      createStack: burstStack,
    });
  }, 120_000);

  test('every run succeeds and publishes exactly what its input holds: records in = output + rejects', () => {
    expect(result.totals).toMatchObject({ runs: FILES, succeeded: FILES, failed: 0 });
    samples.forEach((sample, i) => {
      const run = result.runs[i];
      expect([run.input, run.status]).toEqual([sample.file, 'SUCCEEDED']);
      const expected = expectedRun(sample.file, configuration);
      expectPublished(run, expected);
      expect(run.records).toEqual({ total: RECORDS, valid: expected.output.length - 1, rejected: expected.rejects.length });
      // Each reason is there: a field missing, a priority refused, no financial data.
      expect(new Set(expected.rejects.map((r) => r.reasons[0].split(' ')[0]))).toEqual(new Set(['expected', 'Order', 'no']));
    });
    expect(result.totals.records.total).toBe(FILES * RECORDS);
  });

  test('never more invocations at once than the quota, which the burst reached: Lambda throttled some', () => {
    expect(result.stats.maxConcurrentInvocations).toBeLessThanOrEqual(ACCOUNT_CONCURRENCY);
    expect(result.stats.throttles).toBeGreaterThan(0);
  });

  test('the runs took their turns one at a time: every run waited but the first admitted, each admitted once', () => {
    const answers = turnAnswers(result.log);
    const admitted = answers.filter((a) => a.message === 'turn taken').map((a) => a.runId);
    expect(new Set(admitted)).toEqual(new Set(result.runs.map((run) => run.runId)));
    expect(admitted).toHaveLength(FILES);
    const waited = new Set(answers.filter((a) => a.message === 'waiting for a turn').map((a) => a.runId));
    expect(waited.size).toBeGreaterThanOrEqual(FILES - 1);
  });
});
