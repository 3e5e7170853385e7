import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { measureSplit } from '../../bench/split';
import { writeSampleOrders } from '../../local/samples/sample-orders';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'split-bench-test-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

// Not a speed test: the figures are judged in bench/, here only that the measurement measures the split.
test('measureSplit splits every record into chunks and times it, S3 latency included', async () => {
  const sample = writeSampleOrders(dir, { records: 2500 });
  const plain = await measureSplit({ inputFile: sample.ordersFile, chunkSize: 1000, s3LatencyMs: 0 });
  expect(plain).toMatchObject({ records: 2500, chunks: 3, s3LatencyMs: 0 });
  expect(plain.recordsPerSec).toBeCloseTo(2500 / plain.seconds, 6);
  // The GET and then each chunk's PUT wait the latency: at least two latencies pass, whatever overlaps.
  const slow = await measureSplit({ inputFile: sample.ordersFile, chunkSize: 1000, s3LatencyMs: 300 });
  expect(slow).toMatchObject({ records: 2500, chunks: 3 });
  expect(slow.seconds).toBeGreaterThanOrEqual(0.6);
});
