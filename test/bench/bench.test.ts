import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { lastLine } from '../../bench/local-run';

const ROOT = path.join(__dirname, '..', '..');
// The local run takes tens of seconds for the first few thousand records on 2 cores (synthesis,
// worker start-up): the smoke test runs 2,000.
const RECORDS = 2_000;

/** A figure of the report and the unit it is rounded to (0: reported exactly). */
interface Reported {
  readonly value: number;
  readonly unit: number;
}

/**
 * Expects reported figures with x·y = z before rounding to be consistent after it: the unrounded figures are
 * x + ex, y + ey and z + ez, each |e| at most half its unit, so x·y − z = −(x + ex)·ey − ex·y + ez, at most
 * (|x| + ux/2)·uy/2 + ux/2·|y| + uz/2 in size. The bound follows the figures: it holds for seconds of a few
 * hundredths rounded to 0.01 s (±5% and more on their own), where a fixed relative tolerance fails by chance,
 * and stays tight where the figures are large.
 */
function expectProductWithinRounding(x: Reported, y: Reported, z: Reported) {
  const allowed = (Math.abs(x.value) + x.unit / 2) * (y.unit / 2) + (x.unit / 2) * Math.abs(y.value) + z.unit / 2;
  // And the floating-point error of the product.
  const slack = 1e-9 * (Math.abs(x.value * y.value) + Math.abs(z.value));
  expect(Math.abs(x.value * y.value - z.value)).toBeLessThanOrEqual(allowed + slack);
}

// The report's rounding units (bench/run.ts): records/s to 1, seconds to 0.01, ratios to 0.001.
const rate = (value: number): Reported => ({ value, unit: 1 });
const seconds = (value: number): Reported => ({ value, unit: 0.01 });
const ratio = (value: number): Reported => ({ value, unit: 0.001 });
const exactly = (value: number): Reported => ({ value, unit: 0 });

/** The benchmark run as a user runs it (after `npx projen bundle`), at a small size. */
function runBench(args: string[]) {
  return spawnSync(process.execPath, ['--openssl-legacy-provider', '-r', 'ts-node/register/transpile-only', 'bench/run.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

describe('npm run bench (smoke test: figures are not judged here)', () => {
  let report: any;

  beforeAll(() => {
    const run = runBench(['--records', String(RECORDS), '--json']);
    if (run.status !== 0) throw new Error(`bench exited with ${run.status}: ${run.stderr.slice(-3000)}`);
    report = JSON.parse(lastLine(run.stdout));
  }, 170_000);

  test('reports every figure, positive and finite', () => {
    expect(report.records).toBe(RECORDS);
    for (const key of ['rawCsvRecordsPerSec', 'recordPathRecordsPerSec', 'ratioToRawCsv', 'localRunSeconds', 'localRunRecordsPerSec',
      'peakRssMb', 'peakRssMb100k', 'costPerMillionRecordsUsd', 'seedDesignCostPerMillionRecordsUsd', 'splitSeconds', 'splitSecondsWithS3Latency',
      'splitRecordsPerSec', 'splitMegabytesPerSec', 'splitRecordsPerSecWithS3Latency', 'splitMegabytesPerSecWithS3Latency', 'splitLatencyRatio',
      'mergeSeconds', 'mergeSecondsWithS3Latency', 'mergeRecordsPerSec', 'mergeMegabytesPerSec', 'mergeRecordsPerSecWithS3Latency',
      'mergeMegabytesPerSecWithS3Latency', 'mergeLatencyRatio', 'maxRecordsPerRun', 'lambdaVcpu']) {
      expect(Number.isFinite(report[key]) && report[key] > 0).toBe(true);
    }
  });

  test('the ratios are the ratios of the reported figures', () => {
    // Each figure is rounded on its own: a ratio or a rate times its divisor is the dividend within what the roundings allow.
    expectProductWithinRounding(ratio(report.ratioToRawCsv), rate(report.rawCsvRecordsPerSec), rate(report.recordPathRecordsPerSec));
    expectProductWithinRounding(rate(report.localRunRecordsPerSec), seconds(report.localRunSeconds), exactly(RECORDS));
    // Below 100k records the memory baseline is the run itself.
    expect(report.memoryBaselineRecords).toBe(RECORDS);
    expect(report.rssRatioToBaseline).toBe(1);
    expect(report.costBreakdownPerMillionUsd.total).toBeCloseTo(report.costPerMillionRecordsUsd, 4);
    // S3's latency: the time with it is the ratio times the time without.
    expectProductWithinRounding(ratio(report.mergeLatencyRatio), seconds(report.mergeSeconds), seconds(report.mergeSecondsWithS3Latency));
    expectProductWithinRounding(ratio(report.splitLatencyRatio), seconds(report.splitSeconds), seconds(report.splitSecondsWithS3Latency));
    // The rates are the records over the seconds, without S3's latency and with it.
    for (const handler of ['split', 'merge']) {
      for (const variant of ['', 'WithS3Latency']) {
        expectProductWithinRounding(rate(report[`${handler}RecordsPerSec${variant}`]), seconds(report[`${handler}Seconds${variant}`]), exactly(RECORDS));
      }
    }
    expect(report.maxRecordsPerRun).toBe(Math.min(...Object.values<number>(report.maxRecordsPerRunBy)));
    // The phases are parts of the run's wall time: the lookup is part of the setup.
    const phases = report.localRunPhasesSeconds;
    expect(phases.run).toBeGreaterThan(0);
    expect(phases.lookup).toBeGreaterThan(0);
    expect(phases.lookup).toBeLessThanOrEqual(phases.setup);
    // Whole milliseconds that add up to the run's: four figures rounded to 0.01 s differ by at most four half units.
    expect(Math.abs(phases.setup + phases.run + phases.collect - report.localRunSeconds)).toBeLessThanOrEqual(4 * 0.005 + 1e-9);
  });

  test('the record path accounts for every record', () => {
    expect(report.recordPathCounts.total).toBe(RECORDS);
    expect(report.recordPathCounts.rejected).toBeGreaterThan(0);
    expect(report.recordPathCounts.valid + report.recordPathCounts.rejected).toBe(RECORDS);
  });

  test('the local run succeeds and agrees with the record path on every count', () => {
    expect(report.localRunError).toBeNull();
    expect(report.localRunStatus).toBe('SUCCEEDED');
    expect(report.localRunRecords).toEqual(report.recordPathCounts);
  });

  test('the cost comes with the counts behind it', () => {
    expect(report.localRunCounts.stateTransitions).toBeGreaterThan(0);
    expect(report.localRunCounts.lambdaInvocations).toBeGreaterThan(0);
    expect(report.localRunCounts.s3Requests).toBeGreaterThan(0);
    expect(report.seedDesignCountsPerMillion.apiRequests).toBe(1_000_000);
  });

  test('each target is reported with its ratio and verdict', () => {
    expect(report.targets).toHaveLength(9);
    for (const target of report.targets) {
      expect(target.ratio).toBeCloseTo(target.figure / target.target, 6);
      expect(target.met).toBe(target.bound === 'at least' ? target.figure >= target.target : target.figure <= target.target);
    }
  });
});
