/**
 * One local run in a process of its own, so that its peak RSS is its alone: runs the local runner
 * on `--input` with `--lookup` and prints one JSON line with the result's figures and the
 * process's peak RSS (the runner's Lambda workers are threads of this process, so they count).
 */
import { runLocally } from '../local/run/runner';

export interface LocalRunReport {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly error: { code: string; message: string } | null;
  readonly records: { total: number; valid: number; rejected: number };
  readonly chunks: number;
  /** runLocally's own wall time: synthesis, stand-ins, lookup loading and the run. */
  readonly durationMs: number;
  readonly phasesMs: Awaited<ReturnType<typeof runLocally>>['phasesMs'];
  readonly stats: Awaited<ReturnType<typeof runLocally>>['stats'];
  readonly estimatedAwsCostUsd: number;
  readonly costBreakdownUsd: Awaited<ReturnType<typeof runLocally>>['costBreakdownUsd'];
  /** process.resourceUsage().maxRSS, in kilobytes. */
  readonly maxRssKb: number;
}

async function main(argv: string[]): Promise<void> {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    if (i < 0 || i + 1 >= argv.length) throw new Error(`${name} is required`);
    return argv[i + 1];
  };
  const result = await runLocally({ input: value('--input'), lookup: value('--lookup'), outDir: value('--out') });
  const report: LocalRunReport = {
    status: result.status,
    error: result.error,
    records: result.records,
    chunks: result.chunks,
    durationMs: result.durationMs,
    phasesMs: result.phasesMs,
    stats: result.stats,
    estimatedAwsCostUsd: result.estimatedAwsCostUsd,
    costBreakdownUsd: result.costBreakdownUsd,
    maxRssKb: process.resourceUsage().maxRSS,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    // Stand-ins may leave handles open: the report is out, so end here.
    () => process.exit(0),
    (err) => {
      process.stderr.write(`local run failed: ${(err as Error).stack ?? err}\n`);
      process.exit(1);
    },
  );
}
