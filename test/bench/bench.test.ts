import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { lastLine } from '../../bench/local-run';

const ROOT = path.join(__dirname, '..', '..');
// The local run takes tens of seconds for the first few thousand records on 2 cores (synthesis,
// worker start-up): the smoke test runs 2,000.
const RECORDS = 2_000;

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
    expect(report.ratioToRawCsv).toBeCloseTo(report.recordPathRecordsPerSec / report.rawCsvRecordsPerSec, 2);
    expect(report.localRunRecordsPerSec).toBeCloseTo(RECORDS / report.localRunSeconds, -1);
    // Below 100k records the memory baseline is the run itself.
    expect(report.memoryBaselineRecords).toBe(RECORDS);
    expect(report.rssRatioToBaseline).toBe(1);
    expect(report.costBreakdownPerMillionUsd.total).toBeCloseTo(report.costPerMillionRecordsUsd, 4);
    // Seconds are reported to 0.01 s and ratios to 0.001: a ratio times its reported seconds is the
    // other reported seconds within what those roundings allow (a fixed tolerance on the ratio is
    // not: the smoke run's seconds are a few hundredths).
    const consistent = (ratio: number, seconds: number, withLatency: number) =>
      expect(Math.abs(ratio * seconds - withLatency)).toBeLessThanOrEqual(0.005 * (ratio + 1) + 0.0005 * seconds + 1e-9);
    consistent(report.mergeLatencyRatio, report.mergeSeconds, report.mergeSecondsWithS3Latency);
    consistent(report.splitLatencyRatio, report.splitSeconds, report.splitSecondsWithS3Latency);
    // The rates are the records over the seconds (each rounded on its own).
    expect(Math.abs(report.splitRecordsPerSec * report.splitSeconds / RECORDS - 1)).toBeLessThan(0.05);
    expect(Math.abs(report.mergeRecordsPerSec * report.mergeSeconds / RECORDS - 1)).toBeLessThan(0.05);
    expect(report.maxRecordsPerRun).toBe(Math.min(...Object.values<number>(report.maxRecordsPerRunBy)));
    // The phases are parts of the run's wall time: the lookup is part of the setup.
    const phases = report.localRunPhasesSeconds;
    expect(phases.run).toBeGreaterThan(0);
    expect(phases.lookup).toBeGreaterThan(0);
    expect(phases.lookup).toBeLessThanOrEqual(phases.setup);
    expect(phases.setup + phases.run + phases.collect).toBeCloseTo(report.localRunSeconds, 1);
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
