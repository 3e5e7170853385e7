import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { LocalRunResult, runLocally } from '../../local/run/runner';
import { writeSampleOrders } from '../../local/samples/sample-orders';
import { tempFolder } from '../support/temp-folder';

// End to end through the runner: a gzip-compressed upload against the same file uncompressed.
const work = tempFolder('e2e-gzip-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const bytes = (file: string | null) => fs.readFileSync(file!);

describe('orders.csv.gz and the same orders.csv', () => {
  const sample = writeSampleOrders(path.join(work, 'data'), { records: 1200, seed: 11, invalidEvery: 97, missingFinancialsEvery: 131 });
  const gzipDir = path.join(work, 'gz');
  fs.mkdirSync(gzipDir, { recursive: true });
  const gzipFile = path.join(gzipDir, 'orders.csv.gz');
  fs.writeFileSync(gzipFile, gzipSync(fs.readFileSync(sample.ordersFile)));
  let plain: LocalRunResult;
  let gzip: LocalRunResult;
  beforeAll(async () => {
    plain = await runLocally({ input: sample.ordersFile, lookup: sample.financialsFile, chunkSize: 250, outDir: path.join(work, 'plain-out') });
    gzip = await runLocally({ input: gzipFile, lookup: sample.financialsFile, chunkSize: 250, outDir: path.join(work, 'gz-out') });
  });

  test('give the same output and rejects, byte for byte', () => {
    expect(plain.status).toBe('SUCCEEDED');
    expect(gzip.status).toBe('SUCCEEDED');
    expect(gzip.records).toEqual(plain.records);
    expect(gzip.records.rejected).toBeGreaterThan(0);
    expect(gzip.chunks).toBe(5);
    expect(bytes(gzip.output).equals(bytes(plain.output))).toBe(true);
    expect(bytes(gzip.rejects).equals(bytes(plain.rejects))).toBe(true);
  });

  test('publish plain CSV named without .gz and archive the upload as it came', () => {
    expect(gzip.inputKey).toBe('input/orders.csv.gz');
    expect(path.basename(gzip.output!)).toBe('orders.csv');
    expect(path.basename(gzip.rejects!)).toBe('orders.rejects.csv');
    expect(gzip.objects).toContain(`output/${gzip.runId}/orders.csv`);
    expect(gzip.objects).toContain(`output/${gzip.runId}/orders.rejects.csv`);
    expect(gzip.objects).toContain(`archive/${gzip.runId}/orders.csv.gz`);
    expect(gzip.objects).not.toContain(gzip.inputKey);
    expect(gzip.runId).toMatch(/^orders-/);
  });
});

test('a truncated gzip upload fails the run naming the file and the byte offset where the data ends', async () => {
  const dir = path.join(work, 'truncated');
  const sample = writeSampleOrders(dir, { records: 300, seed: 12 });
  const whole = gzipSync(fs.readFileSync(sample.ordersFile));
  const cut = Math.floor(whole.length * 0.6);
  const input = path.join(dir, 'cut.csv.gz');
  fs.writeFileSync(input, whole.subarray(0, cut));
  const result = await runLocally({ input, lookup: sample.financialsFile, chunkSize: 100, outDir: path.join(dir, 'out') });

  expect(result.status).toBe('FAILED');
  expect(result.error?.code).toBe('InputFormatError');
  expect(result.error?.message).toBe(`cut.csv.gz byte ${cut}: the gzip data ends early (unexpected end of file): the upload is truncated`);
  expect(result.output).toBeNull();
  expect(result.objects).toContain(result.inputKey);
  expect(result.objects.filter((k) => k.startsWith('archive/'))).toEqual([]);
});
