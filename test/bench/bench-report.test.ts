import { lastLine } from '../../bench/local-run';
import { SEED_CHUNK_RECORDS, seedDesignCost, seedDesignUsage } from '../../bench/per-record-design-cost';
import { parseBenchArguments } from '../../bench/run';
import { checkTargets, targetTable } from '../../bench/targets';

describe('parseBenchArguments', () => {
  test('defaults to a million records and a 100k memory baseline', () => {
    expect(parseBenchArguments([])).toEqual({ records: 1_000_000, baselineRecords: 100_000, json: false });
  });
  test('takes --records, --baseline-records and --json; the baseline is never above the run', () => {
    expect(parseBenchArguments(['--records', '5000', '--json'])).toEqual({ records: 5000, baselineRecords: 5000, json: true });
    expect(parseBenchArguments(['--baseline-records', '10', '--records', '50'])).toEqual({ records: 50, baselineRecords: 10, json: false });
  });
  test('rejects bad sizes and unknown arguments', () => {
    expect(parseBenchArguments(['--records', '0'])).toEqual({ error: expect.stringMatching(/positive integer/) });
    expect(parseBenchArguments(['--records'])).toEqual({ error: expect.stringMatching(/positive integer/) });
    expect(parseBenchArguments(['--fast'])).toEqual({ error: 'unknown argument --fast' });
  });
});

describe('the per-record design on the price table', () => {
  test('counts two transitions, two Lambda invocations, one API request and half a read unit per record', () => {
    const one = seedDesignUsage(SEED_CHUNK_RECORDS);
    const two = seedDesignUsage(2 * SEED_CHUNK_RECORDS);
    expect(two.stateTransitions - one.stateTransitions).toBe(2 * SEED_CHUNK_RECORDS + 2);
    expect(two.lambdaInvocations - one.lambdaInvocations).toBe(2 * SEED_CHUNK_RECORDS);
    expect(two.apiRequests - one.apiRequests).toBe(SEED_CHUNK_RECORDS);
    expect(two.dynamodbReadUnits - one.dynamodbReadUnits).toBe(SEED_CHUNK_RECORDS / 2);
  });
  test('lands near the $54 per million, 92% transitions, measured for the original design', () => {
    const cost = seedDesignCost(1_000_000);
    expect(cost.total).toBeGreaterThan(52);
    expect(cost.total).toBeLessThan(56);
    expect(cost.stepFunctions / cost.total).toBeCloseTo(0.92, 2);
  });
});

describe('targets', () => {
  const figures = {
    records: 1_000_000,
    ratioToRawCsv: 0.6,
    localRunSeconds: 90,
    peakRssMb: 500,
    rssRatioToBaseline: 1.2,
    costPerMillionRecordsUsd: 0.4,
    seedDesignCostRatio: 120,
    mergeLatencyRatio: 1.1,
    splitLatencyRatio: 1.5,
    maxRecordsPerRun: 120_000_000,
  };

  test('each is met or not by its bound, with the figure as a ratio to it', () => {
    const checks = checkTargets(figures);
    expect(checks.map((c) => c.met)).toEqual([true, false, true, true, true, true, true, false, true]);
    expect(checks.slice(6).map((c) => [c.name, c.bound, c.target])).toEqual([
      ['merge time with S3 latency / without', 'at most', 1.2],
      ['split time with S3 latency / without', 'at most', 1.2],
      ['max records per run (default configuration)', 'at least', 100_000_000],
    ]);
    expect(checks[1]).toMatchObject({ target: 60, ratio: 1.5, bound: 'at most' });
    expect(checks[0].ratio).toBeCloseTo(1.2);
  });
  test('the local-run time is prorated to the run size', () => {
    expect(checkTargets({ ...figures, records: 100_000, localRunSeconds: 7 })[1]).toMatchObject({ target: 6, met: false });
  });
  test('the table names each target and its verdict', () => {
    const lines = targetTable(checkTargets(figures)).split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[2]).toMatch(/^local run seconds .* 90\.00 +at most 60\.00 +1\.50 +NO$/);
  });
});

test('lastLine: the report line after any progress', () => {
  expect(lastLine('progress\n{"a":1}\n\n')).toBe('{"a":1}');
  expect(lastLine('')).toBe('');
});
