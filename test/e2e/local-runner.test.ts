import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { LocalRunResult, runLocally } from '../../local/run/runner';
import { writeSampleOrders } from '../../local/samples/sample-orders';

// End to end through the runner: the synthesized example stack, the bundled handlers, the stand-ins.
const FIGURES = ['unitsSold', 'unitPrice', 'unitCost', 'totalRevenue', 'totalCost', 'totalProfit'];
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-'));
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
