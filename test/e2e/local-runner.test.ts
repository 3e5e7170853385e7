import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { parse } from 'csv-parse/sync';
import { exampleArguments } from '../../local/cli/cli';
import { runLocalCommand } from '../../local/cli/local-command';
import { LocalRunResult, runLocally } from '../../local/run/runner';
import { writeSampleOrders } from '../../local/samples/sample-orders';
import { BatchFileProcessor } from '../../src';
import { expectedRun, expectPublished } from '../support/expected-run';
import { tempFolder } from '../support/temp-folder';

// End to end through the runner: the synthesized example stack, the bundled handlers, the stand-ins.
const FIGURES = ['unitsSold', 'unitPrice', 'unitCost', 'totalRevenue', 'totalCost', 'totalProfit'];
const work = tempFolder('e2e-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const read = (file: string | null) => fs.readFileSync(file!, 'utf8');

describe('a generated file of 2,500 orders in chunks of 500', () => {
  const sample = writeSampleOrders(path.join(work, 'happy'), { records: 2500, seed: 7, invalidEvery: 401, missingFinancialsEvery: 613 });
  let result: LocalRunResult;
  beforeAll(async () => {
    result = await runLocally({ input: sample.ordersFile, lookup: sample.financialsFile, chunkSize: 500, outDir: path.join(work, 'happy', 'out') });
  });

  test('succeeds and publishes the join of orders and financials, row by row in input order', () => {
    expect(result.status).toBe('SUCCEEDED');
    expect(result.chunks).toBe(5);
    // The expected output, computed here from the generator's files, not with project code.
    const orders = parse(sample.ordersCsv, { relax_column_count: true }) as string[][];
    const financials = new Map((parse(sample.financialsCsv) as string[][]).slice(1).map((row) => [row[0], row.slice(1)]));
    const expected = [[...orders[0], ...FIGURES]];
    for (const row of orders.slice(1)) {
      if (row.length === orders[0].length && financials.has(row[0])) expected.push([...row, ...financials.get(row[0])!]);
    }
    const output = parse(read(result.output)) as string[][];
    expect(output).toEqual(expected);
    expect(result.records).toEqual({ total: 2500, valid: expected.length - 1, rejected: 2500 - (expected.length - 1) });
  });

  test('rejects the invalid orders and those without financial data, with their line numbers and reasons', () => {
    // A rejected row keeps its original fields, however many: the line first, the reasons last.
    const rejects = (parse(read(result.rejects), { relax_column_count: true }) as string[][]).slice(1)
      .map((row) => ({ line: row[0], reasons: row[row.length - 1] }));
    const missingLines = (parse(sample.ordersCsv, { relax_column_count: true }) as string[][])
      .map((row, i) => ({ uuid: row[0], line: i + 1 }))
      .filter(({ uuid }) => sample.uuidsWithoutFinancials.includes(uuid)).map(({ line }) => line);
    expect(rejects.map((r) => Number(r.line))).toEqual([...sample.invalidLines, ...missingLines].sort((a, b) => a - b));
    for (const r of rejects) {
      expect(r.reasons).not.toBe('');
      if (sample.invalidLines.includes(Number(r.line))) expect(r.reasons).toMatch(/field/i);
    }
    expect(rejects.length).toBe(result.records.rejected);
  });

  test('emails the counts with links, archives the input and counts what AWS would bill', () => {
    expect(result.emails).toHaveLength(1);
    expect(result.emails[0].text).toContain(result.runId);
    expect(result.emails[0].text).toMatch(/https?:\/\/\S+orders\.csv\?X-Amz-/);
    expect(result.objects).not.toContain(result.inputKey);
    expect(result.objects.some((k) => k.startsWith('archive/') && k.endsWith('/orders.csv'))).toBe(true);
    expect(result.stats.expressRequests).toBeGreaterThanOrEqual(5);
    expect(result.stats.stateTransitions).toBeGreaterThan(5);
    expect(result.stats.lambdaInvocations).toBeGreaterThan(0);
    expect(result.stats.s3Requests).toBeGreaterThan(0);
    expect(result.estimatedAwsCostUsd).toBeGreaterThan(0);
  });
});

function writeFinancials(dir: string, uuids: string[]): string {
  const file = path.join(dir, 'financials.csv');
  fs.writeFileSync(file, ['uuid,unitsSold,unitPrice,unitCost,totalRevenue,totalCost,totalProfit', ...uuids.map((u, i) => `${u},${i + 1},2.5,1.5,${(i + 1) * 2.5},${(i + 1) * 1.5},${i + 1}`)].join('\n'));
  return file;
}

test('quoted delimiters, newlines and doubled quotes survive chunking byte for byte', async () => {
  const dir = path.join(work, 'quoted');
  fs.mkdirSync(dir, { recursive: true });
  const header = 'uuid,Country,Item Type,Sales Channel,Order Priority,Order Date,Region,Ship Date';
  const records = [
    '100000001,"Bosnia, and\nHerzegovina",Snacks,Online,C,1/2/14,Europe,1/9/14',
    '100000002,Norway,"Baby ""Food""",Offline,H,3/4/15,"Europe\r\nNorth",3/5/15',
    '100000003,"Line\n\nbreaks",Fruits,Online,L,5/6/16,Asia,5/9/16',
    '100000004,Japan,Cereal,Offline,M,7/8/17,"Asia, East",7/9/17',
    '100000005,"""Quoted""",Meat,Online,C,9/10/18,Asia,9/11/18',
  ];
  const input = path.join(dir, 'quoted.csv');
  fs.writeFileSync(input, `${header}\n${records.join('\n')}\n`);
  const uuids = records.map((r) => r.slice(0, 9));
  const result = await runLocally({ input, lookup: writeFinancials(dir, uuids), chunkSize: 2, outDir: path.join(dir, 'out') });

  expect(result.status).toBe('SUCCEEDED');
  expect(result.chunks).toBe(3);
  const expected = records.map((r, i) => `${r},${i + 1},2.5,1.5,${(i + 1) * 2.5},${(i + 1) * 1.5},${i + 1}`);
  expect(read(result.output).replace(/\n$/, '')).toBe([`${header},${FIGURES.join(',')}`, ...expected].join('\n'));
});

test('an unterminated quote fails the run naming the file and line, publishes nothing and keeps the input', async () => {
  const dir = path.join(work, 'broken');
  fs.mkdirSync(dir, { recursive: true });
  const sample = writeSampleOrders(dir, { records: 30, seed: 3, invalidEvery: 1000, missingFinancialsEvery: 1000 });
  const lines = sample.ordersCsv.split('\n');
  lines[17] = lines[17].replace(',Online,', ',"Online,').replace(',Offline,', ',"Offline,'); // line 18 opens a quote that never closes
  const input = path.join(dir, 'broken.csv');
  fs.writeFileSync(input, lines.join('\n'));
  const result = await runLocally({ input, lookup: sample.financialsFile, chunkSize: 10, outDir: path.join(dir, 'out') });

  expect(result.status).toBe('FAILED');
  expect(result.error?.code).toBe('InputFormatError');
  expect(result.error?.message).toMatch(/broken\.csv line 18\b/);
  expect(result.output).toBeNull();
  expect(result.objects).toContain(result.inputKey);
  expect(result.objects.filter((k) => k.startsWith('archive/'))).toEqual([]);
  expect(result.emails).toHaveLength(1);
  expect(`${result.emails[0].subject}\n${result.emails[0].text}`).toMatch(/broken\.csv/);
  expect(result.emails[0].text).toMatch(/line 18\b/);
  const summary = JSON.parse(read(result.summary));
  expect(summary.status).toBe('FAILED');
  expect(summary.error.message).toMatch(/broken\.csv line 18\b/);
});

test('the same S3 event delivered twice starts one execution only', async () => {
  const dir = path.join(work, 'twice');
  const sample = writeSampleOrders(dir, { records: 40, seed: 5 });
  const result = await runLocally({ input: sample.ordersFile, lookup: sample.financialsFile, chunkSize: 20, outDir: path.join(dir, 'out'), testHooks: { deliverEventTwice: true } });
  expect(result.status).toBe('SUCCEEDED');
  expect(result.stats.orchestratorExecutions).toBe(1);
  expect(result.emails).toHaveLength(1);
  expect(parse(read(result.output))).toHaveLength(41);
});

describe('several inputs at once: npm run local -- --input DIR --json', () => {
  const dir = path.join(work, 'several');
  const inputs = path.join(dir, 'inputs');
  const samples = [31, 32, 33].map((seed, i) => writeSampleOrders(path.join(dir, `sample-${i}`), { records: 12 + i * 5, seed, invalidEvery: 7, missingFinancialsEvery: 9 }));
  fs.mkdirSync(inputs, { recursive: true });
  samples.forEach((sample, i) => fs.copyFileSync(sample.ordersFile, path.join(inputs, `orders-${i}.csv`)));
  // One lookup table serves every run, as in a deployed stack.
  const lookup = path.join(dir, 'financials.csv');
  fs.writeFileSync(lookup, samples[0].financialsCsv + samples.slice(1).map((s) => s.financialsCsv.slice(s.financialsCsv.indexOf('\n') + 1)).join(''));
  let status: number;
  let result: any;
  beforeAll(async () => {
    const { args } = exampleArguments(['--input', inputs, '--lookup', lookup, '--chunk-size', '5', '--out', path.join(dir, 'out'), '--json']) as { args: string[] };
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      status = await runLocalCommand(args, { command: 'npm run local --', filesFrom: dir, appDirectory: path.join(__dirname, '..', '..', 'examples') });
      result = JSON.parse(stdout.mock.calls.map(([text]) => String(text)).join('').trim().split('\n').pop()!);
    } finally {
      stdout.mockRestore();
    }
  }, 180_000);

  test('the folder\'s three files are uploaded at once: three runs, each SUCCEEDED, one entry each and the totals', () => {
    expect(status).toBe(0);
    expect(result.stats.orchestratorExecutions).toBe(3);
    expect(result.runs.map((run: any) => [run.input, run.inputKey, run.status, run.executionStatus])).toEqual(
      [0, 1, 2].map((i) => [path.join(inputs, `orders-${i}.csv`), `input/orders-${i}.csv`, 'SUCCEEDED', 'SUCCEEDED']));
    expect(new Set(result.runs.map((run: any) => run.runId)).size).toBe(3);
    const sum = (key: string) => result.runs.reduce((n: number, run: any) => n + run.records[key], 0);
    expect(result.totals).toEqual({ runs: 3, succeeded: 3, failed: 0, records: { total: 12 + 17 + 22, valid: sum('valid'), rejected: sum('rejected') } });
    // The single-input fields are the first input's run.
    expect(result).toMatchObject({ runId: result.runs[0].runId, status: 'SUCCEEDED', output: result.runs[0].output, records: result.runs[0].records });
    expect(result.emails).toHaveLength(3);
  });

  test('each input is its own output plus its own rejects, none of another\'s', () => {
    const uuidsOf = (csv: string) => csv.trim().split('\n').slice(1).map((line) => line.split(',')[0]);
    const rejectedUuidsOf = (csv: string) => csv.trim().split('\n').slice(1).map((line) => line.split(',')[1]);
    samples.forEach((sample, i) => {
      const run = result.runs[i];
      const output = uuidsOf(read(run.output));
      const rejects = rejectedUuidsOf(read(run.rejects));
      expect(new Set([...output, ...rejects])).toEqual(new Set(uuidsOf(sample.ordersCsv)));
      expect(run.records).toEqual({ total: uuidsOf(sample.ordersCsv).length, valid: output.length, rejected: rejects.length });
      expect(rejects.length).toBeGreaterThan(0);
    });
  });
});

describe('--lambda-concurrency 1: the account runs one invocation at a time', () => {
  test('the example fails as AWS would: enrich-chunk holds the only concurrency, so Lambda throttles the financials API\'s function (500)', async () => {
    const dir = path.join(work, 'concurrency-1');
    const sample = writeSampleOrders(dir, { records: 6, seed: 41 });
    const result = await runLocally({ input: sample.ordersFile, lookup: sample.financialsFile, chunkSize: 10, outDir: path.join(dir, 'out'), lambdaConcurrency: 1 });
    expect(result.status).toBe('FAILED');
    expect(result.error?.code).toBe('EnrichmentUnavailable');
    expect(result.error?.message).toMatch(/enrichment endpoint \S+ failed 3 attempts, last: HTTP 500/);
    expect(result.output).toBeNull();
    // Each of the enricher's three requests was refused before the function ran.
    expect(result.stats.throttles).toBeGreaterThanOrEqual(3);
    expect(result.stats.maxConcurrentInvocations).toBe(1);
  }, 180_000);

  test('a processor whose functions call no other function waits its turns and succeeds, never more than one invocation at once', async () => {
    const dir = path.join(work, 'concurrency-1-plain');
    fs.mkdirSync(dir, { recursive: true });
    const input = path.join(dir, 'orders.csv');
    fs.writeFileSync(input, 'uuid,Country,Amount\nc1,Panama,10\nc2,Chad\nc3,Peru,4\nc4,Fiji,7.5\nc5,Oman,3,extra\nc6,Laos,0.5\nc7,Mali,1\n');
    const result = await runLocally({
      input,
      outDir: path.join(dir, 'out'),
      lambdaConcurrency: 1,
      // Three chunks, run side by side by the Distributed Map: their steps are throttled and retried.
      createStack: (app: App) => {
        const stack = new Stack(app, 'Plain');
        return Object.assign(stack, { processor: new BatchFileProcessor(stack, 'Processor', { chunkSize: 3, removalPolicy: RemovalPolicy.DESTROY }) });
      },
    });
    expect(result.status).toBe('SUCCEEDED');
    expectPublished(result, expectedRun(input));
    expect(result.stats.throttles).toBeGreaterThanOrEqual(0);
    expect(result.stats.maxConcurrentInvocations).toBe(1);
  }, 180_000);
});
