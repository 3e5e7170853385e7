/** The targets, checked against a report. They are reported, never asserted. */
export interface TargetFigures {
  readonly records: number;
  readonly ratioToRawCsv: number;
  readonly localRunSeconds: number;
  readonly peakRssMb: number;
  readonly rssRatioToBaseline: number;
  readonly costPerMillionRecordsUsd: number;
  readonly seedDesignCostRatio: number;
  /** merge-chunks' time with S3's first-byte latency ÷ without. */
  readonly mergeLatencyRatio: number;
  /** split-input's likewise. */
  readonly splitLatencyRatio: number;
  /** The largest run at the default configuration (bench/run-limits.ts). */
  readonly maxRecordsPerRun: number;
}

export interface TargetCheck {
  readonly name: string;
  readonly figure: number;
  readonly target: number;
  readonly bound: 'at least' | 'at most';
  /** figure / target: at least 1 is met for "at least", at most 1 for "at most". */
  readonly ratio: number;
  readonly met: boolean;
}

/** The local-run time target is for a million records; other sizes get it prorated. */
export const LOCAL_RUN_SECONDS_PER_MILLION = 60;

export function checkTargets(f: TargetFigures): TargetCheck[] {
  const check = (name: string, figure: number, bound: TargetCheck['bound'], target: number): TargetCheck => ({
    name,
    figure,
    target,
    bound,
    ratio: figure / target,
    met: bound === 'at least' ? figure >= target : figure <= target,
  });
  return [
    check('record path / raw csv throughput', f.ratioToRawCsv, 'at least', 0.5),
    check('local run seconds (60 s per 1M records)', f.localRunSeconds, 'at most', LOCAL_RUN_SECONDS_PER_MILLION * f.records / 1_000_000),
    check('local run peak RSS MB', f.peakRssMb, 'at most', 1024),
    check('peak RSS / peak RSS at the baseline size', f.rssRatioToBaseline, 'at most', 1.5),
    check('AWS cost per 1M records USD', f.costPerMillionRecordsUsd, 'at most', 0.5),
    check('per-record design cost / this cost', f.seedDesignCostRatio, 'at least', 100),
    check('merge time with S3 latency / without', f.mergeLatencyRatio, 'at most', 1.2),
    check('split time with S3 latency / without', f.splitLatencyRatio, 'at most', 1.2),
    check('max records per run (default configuration)', f.maxRecordsPerRun, 'at least', 100_000_000),
  ];
}

const figure = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toPrecision(3));

/** The checks as a readable table. */
export function targetTable(checks: readonly TargetCheck[]): string {
  const rows = [['target', 'figure', 'bound', 'ratio', 'met'], ...checks.map((c) => [
    c.name, figure(c.figure), `${c.bound} ${figure(c.target)}`, c.ratio.toFixed(2), c.met ? 'yes' : 'NO',
  ])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}
