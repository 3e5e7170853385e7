import { runLimits } from '../../bench/run-limits';
import { MAP_MAX_ITEMS } from '../../lambda-src/split/map-item-source';
import { LAMBDA_MB_PER_VCPU } from '../../src/resolved-props';

const inputs = { splitRecordsPerSec: 200_000, mergeRecordsPerSec: 100_000, memoryMb: 1024, chunkSize: 1000, manifestBytesPerChunk: 90 };

test('split and merge each get 15 minutes at their rate, scaled to the vCPU share of the memory', () => {
  const limits = runLimits(inputs);
  expect(limits.lambdaVcpu).toBeCloseTo(1024 / LAMBDA_MB_PER_VCPU, 6);
  expect(limits.by.split).toBe(Math.floor(200_000 * (1024 / 1769) * 900));
  expect(limits.by.merge).toBe(Math.floor(100_000 * (1024 / 1769) * 900));
  expect(limits.maxRecordsPerRun).toBe(limits.by.merge);
});

test('past one vCPU a single stream gets no faster', () => {
  expect(runLimits({ ...inputs, memoryMb: 10_240 }).lambdaVcpu).toBe(1);
  expect(runLimits({ ...inputs, memoryMb: LAMBDA_MB_PER_VCPU }).by.merge).toBe(100_000 * 900);
});

test('the Distributed Map reads 100,000,000 items of a file of at most 10 GB: with small chunks, that bounds the run', () => {
  const tiny = runLimits({ ...inputs, chunkSize: 1, splitRecordsPerSec: 1e9, mergeRecordsPerSec: 1e9, memoryMb: 1769 });
  expect(tiny.by.mapItems).toBe(MAP_MAX_ITEMS);
  expect(tiny.by.manifestBytes).toBe(Math.floor(1e10 / 90));
  expect(tiny.maxRecordsPerRun).toBe(MAP_MAX_ITEMS);
  // A manifest item of 200 bytes: the file's 10 GB come first.
  const unbounded = { splitRecordsPerSec: 1e9, mergeRecordsPerSec: 1e9 };
  expect(runLimits({ ...inputs, chunkSize: 1, manifestBytesPerChunk: 200, ...unbounded }).maxRecordsPerRun).toBe(50_000_000);
});
