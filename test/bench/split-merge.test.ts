import * as fs from 'node:fs';
import * as path from 'node:path';
import { MapLookupSource } from '../../bench/map-lookup-source';
import { measureMerge, prepareMergeInputs } from '../../bench/merge';
import { measureSplit } from '../../bench/split';
import { orderRecordSchema } from '../../examples/order-record-schema';
import { schemaValidator } from '../../lambda-src/validate/schema-validator';
import { FINANCIAL_HEADER, writeSampleOrders } from '../../local/samples/sample-orders';
import { tempFolder } from '../support/temp-folder';

let dir: string;
beforeEach(() => { dir = tempFolder('split-bench-test-'); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

// Not a speed test: the figures are judged in bench/, here only that the measurements measure the
// bundled handlers (run `npx projen bundle` first) over every record, S3 latency included.
test('measureSplit and measureMerge run the bundled handlers over every record and time them, S3 latency included', async () => {
  const sample = writeSampleOrders(path.join(dir, 'data'), { records: 2500, invalidEvery: 97 });
  const s3Directory = path.join(dir, 's3');
  const inputBytes = fs.statSync(sample.ordersFile).size;

  const plain = await measureSplit({ inputFile: sample.ordersFile, chunkSize: 1000, s3LatencyMs: 0, s3Directory });
  expect(plain).toMatchObject({ records: 2500, chunks: 3, s3LatencyMs: 0, inputBytes });
  expect(plain.result).toMatchObject({ records: 2500, chunkCount: 3 });
  expect(plain.recordsPerSec).toBeCloseTo(2500 / plain.seconds, 6);
  expect(plain.megabytesPerSec).toBeCloseTo(inputBytes / 1e6 / plain.seconds, 6);
  // A manifest of three small ChunkRefs; the handler's own process: a Node process's RSS, at least.
  expect(plain.manifestBytes).toBeGreaterThan(100);
  expect(plain.manifestBytes).toBeLessThan(1000);
  expect(plain.peakRssMb).toBeGreaterThan(30);
  expect(plain.cpuSeconds).toBeGreaterThan(0);
  // The GET and then each chunk's PUT, the manifest and the run plan wait the latency: at least two latencies pass, whatever overlaps.
  const slow = await measureSplit({ inputFile: sample.ordersFile, chunkSize: 1000, s3LatencyMs: 300, s3Directory });
  expect(slow).toMatchObject({ records: 2500, chunks: 3 });
  expect(slow.seconds).toBeGreaterThanOrEqual(0.6);

  const map = await prepareMergeInputs({
    s3Directory,
    inputFile: sample.ordersFile,
    chunkSize: 1000,
    split: plain.result,
    processing: {
      delimiter: ',',
      validator: schemaValidator(JSON.stringify(orderRecordSchema)),
      source: MapLookupSource.fromCsv(fs.readFileSync(sample.financialsFile, 'utf8'), 'uuid'),
      fields: FINANCIAL_HEADER.filter((column) => column !== 'uuid'),
    },
  });
  const merged = await measureMerge({ s3Directory, split: plain.result, map, s3LatencyMs: 0 });
  expect(merged).toMatchObject({ records: 2500, chunks: 3, s3LatencyMs: 0 });
  expect(merged.result.records.valid + merged.result.records.rejected).toBe(2500);
  expect(merged.result.records.rejected).toBeGreaterThan(0);
  // The merged output is the enriched records: larger than the input.
  expect(merged.outputBytes).toBeGreaterThan(inputBytes);
  expect(merged.megabytesPerSec).toBeCloseTo(merged.outputBytes / 1e6 / merged.seconds, 6);
  // The Map results, the plan, the manifest, then two rejects files and a processed file per chunk: at least four latencies in turn.
  const mergedSlowly = await measureMerge({ s3Directory, split: plain.result, map, s3LatencyMs: 300 });
  expect(mergedSlowly.result.records).toEqual(merged.result.records);
  expect(mergedSlowly.seconds).toBeGreaterThanOrEqual(1.2);
}, 120_000);
