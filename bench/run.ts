/**
 * `npm run bench -- [--records N] [--baseline-records M] [--json]`: throughput, memory and AWS
 * cost per million records of the pipeline, side by side with its baselines, on N generated
 * orders (default 1,000,000). The local run is repeated on M records (default 100,000) for the
 * memory comparison. With --json, the last line of stdout is one JSON object.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main as burstMain } from './burst';
import { LocalRunMeasurement, measureLocalRun } from './local-run';
import { MapLookupSource } from './map-lookup-source';
import { measureMerge, MergeMeasurement, prepareMergeInputs } from './merge';
import { seedDesignCost, seedDesignUsage } from './per-record-design-cost';
import { rawCsvRoundTrip } from './raw-csv';
import { ChunkProcessing, runRecordPath } from './record-path';
import { runLimits } from './run-limits';
import { measureSplit, SplitMeasurement } from './split';
import { checkTargets, targetTable } from './targets';
import { orderRecordSchema } from '../examples/order-record-schema';
import { schemaValidator } from '../lambda-src/validate/schema-validator';
import { setUpLocalCommand } from '../local/cli/command-setup';
import { CostBreakdown } from '../local/run/cost-model';
import { FINANCIAL_HEADER, writeSampleOrders } from '../local/samples/sample-orders';
import { HANDLER_DEFAULTS } from '../src/contract/handler-environment';
import { DEFAULT_SPLIT_AND_MERGE_MEMORY_SIZE } from '../src/resolved-props';

const WARM_UP_RECORDS = 20_000;
/**
 * S3's first-byte latency modelled for split and merge. AWS: "small requests (for example, less than
 * 512 KB), where median latencies are often in the tens of milliseconds range"
 * (https://docs.aws.amazon.com/whitepapers/latest/s3-optimizing-performance-best-practices/timeouts-and-retries-for-latency-sensitive-applications.html);
 * 50 ms is the upper half of that range, for a chunk of ~100 KB read or written from a Lambda in the bucket's region.
 */
export const S3_LATENCY_MS = 50;
const USAGE = 'usage: npm run bench -- [--records N] [--baseline-records M] [--json]\n       npm run bench -- --burst [--files N] [--records R] [--concurrency C] [--json]';

const HELP = `${USAGE}

Throughput, memory and AWS cost per million records of the pipeline, beside its baselines, on N generated orders.

  --records N           orders to generate and run (default 1,000,000)
  --baseline-records M  the local run repeated on M orders, for the memory comparison (default 100,000)
  --json                print the report as one JSON object, the last line of stdout (progress goes to stderr)
  --burst               instead: N files of R orders (default 50 of 2,000) uploaded at once into an account of
                        Lambda concurrency C (default 20), with maxConcurrentRuns sized to fit and unset (bench/burst.ts)
  --help                print this help

Exit code: 0 the benchmark ran, 1 it failed, 2 bad use.
`;

export interface BenchArguments {
  readonly records: number;
  readonly baselineRecords: number;
  readonly json: boolean;
}

export function parseBenchArguments(argv: string[]): BenchArguments | { help: true } | { error: string } {
  if (argv.includes('--help') || argv.includes('-h')) return { help: true };
  let records = 1_000_000;
  let baselineRecords = 100_000;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') {
      json = true;
    } else if (arg === '--records' || arg === '--baseline-records') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) return { error: `${arg} must be a positive integer, got "${argv[i] ?? ''}"` };
      if (arg === '--records') records = n;
      else baselineRecords = n;
    } else {
      return { error: `unknown argument ${arg}` };
    }
  }
  return { records, baselineRecords: Math.min(baselineRecords, records), json };
}

const perMillion = (usd: number, records: number) => (usd * 1_000_000) / records;
const scaled = (cost: CostBreakdown, records: number) =>
  Object.fromEntries(Object.entries(cost).map(([part, usd]) => [part, perMillion(usd, records)])) as CostBreakdown;
const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * One handler's figures without and with S3's latency: seconds, records/s, MB/s (split: the upload
 * read; merge: the output and rejects written), CPU seconds and peak RSS of the handler's process.
 */
function handlerFigures(name: 'split' | 'merge', plain: SplitMeasurement | MergeMeasurement, withLatency: SplitMeasurement | MergeMeasurement) {
  const figures = (m: SplitMeasurement | MergeMeasurement) => ({
    Seconds: round(m.seconds, 2),
    RecordsPerSec: round(m.recordsPerSec, 0),
    MegabytesPerSec: round(m.megabytesPerSec, 2),
    CpuSeconds: round(m.cpuSeconds, 2),
    PeakRssMb: round(m.peakRssMb, 1),
  });
  const entries = [
    ...Object.entries(figures(plain)).map(([figure, value]) => [`${name}${figure}`, value]),
    ...Object.entries(figures(withLatency)).map(([figure, value]) => [`${name}${figure}WithS3Latency`, value]),
  ];
  return Object.fromEntries(entries) as Record<string, number>;
}

export async function runBench(args: BenchArguments, log: (line: string) => void) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  try {
    const sample = writeSampleOrders(path.join(work, 'data'), { records: args.records });
    log(`generated ${args.records} orders: ${(fs.statSync(sample.ordersFile).size / 1e6).toFixed(1)} MB`);

    const processingWith = (financialsFile: string): ChunkProcessing => ({
      delimiter: ',',
      validator: schemaValidator(JSON.stringify(orderRecordSchema)),
      source: MapLookupSource.fromCsv(fs.readFileSync(financialsFile, 'utf8'), 'uuid'),
      fields: FINANCIAL_HEADER.filter((column) => column !== 'uuid'),
    });
    const recordPathOver = (inputFile: string, financialsFile: string) => runRecordPath({
      inputFile, outDir: work, chunkSize: HANDLER_DEFAULTS.chunkSize, ...processingWith(financialsFile),
    });
    // Both in-process paths run once on a small file first, so that neither is timed while
    // V8 is still compiling its hot functions (that would favour whichever runs second).
    const warmUp = writeSampleOrders(path.join(work, 'warm-up'), { records: WARM_UP_RECORDS });
    await rawCsvRoundTrip(warmUp.ordersFile, path.join(work, 'raw-output.csv'));
    await recordPathOver(warmUp.ordersFile, warmUp.financialsFile);

    const raw = await rawCsvRoundTrip(sample.ordersFile, path.join(work, 'raw-output.csv'));
    log(`raw csv-parse/csv-stringify: ${raw.recordsPerSec.toFixed(0)} records/s`);
    const recordPath = await recordPathOver(sample.ordersFile, sample.financialsFile);
    log(`record path: ${recordPath.recordsPerSec.toFixed(0)} records/s`);
    // The split-input and merge-chunks handlers, bundled, each in a process of its own against the S3
    // stand-in (in this one), without and with S3's first-byte latency.
    const s3Directory = path.join(work, 's3');
    const chunkSize = HANDLER_DEFAULTS.chunkSize;
    const splitAt = (s3LatencyMs: number) => measureSplit({ inputFile: sample.ordersFile, chunkSize, s3LatencyMs, s3Directory });
    const split = await splitAt(0);
    const splitWithLatency = await splitAt(S3_LATENCY_MS);
    log(`split: ${split.seconds.toFixed(2)} s, with ${S3_LATENCY_MS} ms S3 latency ${splitWithLatency.seconds.toFixed(2)} s`);
    const map = await prepareMergeInputs({
      s3Directory, inputFile: sample.ordersFile, chunkSize, split: split.result, processing: processingWith(sample.financialsFile),
    });
    const mergeAt = (s3LatencyMs: number) => measureMerge({ s3Directory, split: split.result, map, s3LatencyMs });
    const merge = await mergeAt(0);
    const mergeWithLatency = await mergeAt(S3_LATENCY_MS);
    log(`merge: ${merge.seconds.toFixed(2)} s, with ${S3_LATENCY_MS} ms S3 latency ${mergeWithLatency.seconds.toFixed(2)} s`);
    fs.rmSync(s3Directory, { recursive: true, force: true });
    const limits = runLimits({
      splitRecordsPerSec: splitWithLatency.recordsPerSec,
      mergeRecordsPerSec: mergeWithLatency.recordsPerSec,
      memoryMb: DEFAULT_SPLIT_AND_MERGE_MEMORY_SIZE,
      chunkSize: HANDLER_DEFAULTS.chunkSize,
      manifestBytesPerChunk: split.manifestBytes / split.chunks,
    });

    const local = await measureLocalRun(sample.ordersFile, sample.financialsFile, path.join(work, 'local-run'));
    log(`local run: ${local.status} in ${(local.durationMs / 1000).toFixed(1)} s, peak RSS ${local.peakRssMb.toFixed(0)} MB`);
    let baseline: LocalRunMeasurement = local;
    if (args.baselineRecords < args.records) {
      const small = writeSampleOrders(path.join(work, 'baseline-data'), { records: args.baselineRecords });
      baseline = await measureLocalRun(small.ordersFile, small.financialsFile, path.join(work, 'baseline-run'));
      log(`local run of ${args.baselineRecords}: ${baseline.status}, peak RSS ${baseline.peakRssMb.toFixed(0)} MB`);
    }

    const costPerMillion = perMillion(local.estimatedAwsCostUsd, args.records);
    const seedCost = seedDesignCost(1_000_000);
    const localRunSeconds = local.durationMs / 1000;
    const report = {
      records: args.records,
      rawCsvRecordsPerSec: round(raw.recordsPerSec, 0),
      recordPathRecordsPerSec: round(recordPath.recordsPerSec, 0),
      ratioToRawCsv: round(recordPath.recordsPerSec / raw.recordsPerSec, 3),
      recordPathCounts: recordPath.counts,
      s3LatencyMs: S3_LATENCY_MS,
      ...handlerFigures('split', split, splitWithLatency),
      splitLatencyRatio: round(splitWithLatency.seconds / split.seconds, 3),
      ...handlerFigures('merge', merge, mergeWithLatency),
      mergeLatencyRatio: round(mergeWithLatency.seconds / merge.seconds, 3),
      maxRecordsPerRun: limits.maxRecordsPerRun,
      // What each bound allows; the Lambda at the default memory has this share of a vCPU, taken as one core here.
      maxRecordsPerRunBy: limits.by,
      lambdaMemoryMb: DEFAULT_SPLIT_AND_MERGE_MEMORY_SIZE,
      lambdaVcpu: round(limits.lambdaVcpu, 3),
      localRunStatus: local.status,
      localRunError: local.error,
      localRunRecords: local.records,
      localRunChunks: local.chunks,
      localRunSeconds: round(localRunSeconds, 2),
      localRunProcessSeconds: round(local.processSeconds, 2),
      // Setup (synthesis, stand-ins, loading the lookup: on AWS, done once at deploy) apart from the run itself.
      localRunPhasesSeconds: Object.fromEntries(Object.entries(local.phasesMs).map(([phase, ms]) => [phase, round(ms / 1000, 2)])),
      localRunRecordsPerSec: round(args.records / localRunSeconds, 0),
      peakRssMb: round(local.peakRssMb, 1),
      peakRssMb100k: round(baseline.peakRssMb, 1),
      memoryBaselineRecords: args.baselineRecords,
      rssRatioToBaseline: round(local.peakRssMb / baseline.peakRssMb, 3),
      costPerMillionRecordsUsd: round(costPerMillion, 6),
      costBreakdownPerMillionUsd: scaled(local.costBreakdownUsd, args.records),
      localRunCounts: local.stats,
      seedDesignCostPerMillionRecordsUsd: seedCost.total,
      seedDesignCostBreakdownPerMillionUsd: seedCost,
      seedDesignCountsPerMillion: seedDesignUsage(1_000_000),
      seedDesignCostRatio: round(seedCost.total / costPerMillion, 1),
      machine: { nproc: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${os.platform()} ${os.arch()}` },
    };
    return { report, targets: checkTargets({ ...report, localRunSeconds }) };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--burst')) return burstMain(argv.filter((arg) => arg !== '--burst'));
  const args = parseBenchArguments(argv);
  if ('help' in args) {
    process.stdout.write(HELP);
    return 0;
  }
  if ('error' in args) {
    process.stderr.write(`${args.error} (npm run bench -- --help for the usage)\n`);
    return 2;
  }
  if (!setUpLocalCommand()) return 1;
  // Progress goes to stderr with --json, so that stdout holds only the report.
  const log = (line: string) => (args.json ? process.stderr : process.stdout).write(`${line}\n`);
  const { report, targets } = await runBench(args, log);
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ ...report, targets })}\n`);
  } else {
    process.stdout.write(`\n${JSON.stringify(report, null, 2)}\n\n${targetTable(targets)}\n`);
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err) => {
      process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
      process.exitCode = 1;
    },
  );
}
