/**
 * `npm run bench -- --burst [--files N] [--records R] [--concurrency C] [--json]`: N files of R generated orders
 * (default 50 of 2,000) uploaded at the same instant into an account whose Lambda concurrency quota is C (default
 * 20), twice: with maxConcurrentRuns sized to fit C by the construct's own check (`lambdaConcurrency`), and with
 * maxConcurrentRuns at its largest (1,000, as good as unset). With --json, the last line of stdout is one JSON object.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BurstCase, BurstFiles, runBurstCase } from './burst-case';
import { setUpLocalCommand } from '../local/cli/command-setup';
import { FINANCIAL_HEADER, writeSampleOrders } from '../local/samples/sample-orders';
import { HANDLER_DEFAULTS } from '../src/contract/handler-environment';
import { MAX_CONCURRENT_RUNS } from '../src/resolved-props';

/** What the construct's sizing counts besides the chunks: trigger, run-turns and notify (docs/operations.md, "Bursts of uploads"). */
const OTHER_FUNCTIONS = 3;

export interface BurstArguments {
  readonly files: number;
  readonly records: number;
  readonly concurrency: number;
  readonly json: boolean;
}

export function parseBurstArguments(argv: string[]): BurstArguments | { error: string } {
  const values = { files: 50, records: 2000, concurrency: 20 };
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const name = arg.replace(/^--/, '') as keyof typeof values;
    if (arg === '--json') {
      json = true;
    } else if (name in values) {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) return { error: `${arg} must be a positive integer, got "${argv[i] ?? ''}"` };
      values[name] = n;
    } else {
      return { error: `unknown argument ${arg}` };
    }
  }
  if (values.concurrency <= OTHER_FUNCTIONS) return { error: `--concurrency must be more than ${OTHER_FUNCTIONS}` };
  return { ...values, json };
}

/**
 * Both cases: a run has ceil(R / chunk size) chunks, so maxConcurrency is that (no run could use more); the sized
 * case runs as many at once as `maxConcurrentRuns × maxConcurrency + 3 ≤ C` allows, and synth checks it.
 */
export function burstCases(args: BurstArguments): BurstCase[] {
  const chunkSize = HANDLER_DEFAULTS.chunkSize;
  const maxConcurrency = Math.min(Math.ceil(args.records / chunkSize), args.concurrency - OTHER_FUNCTIONS);
  const sized = Math.floor((args.concurrency - OTHER_FUNCTIONS) / maxConcurrency);
  return [
    { name: 'maxConcurrentRuns sized to the quota', maxConcurrentRuns: sized, maxConcurrency, chunkSize, lambdaConcurrency: args.concurrency },
    { name: 'maxConcurrentRuns unset (its largest)', maxConcurrentRuns: MAX_CONCURRENT_RUNS, maxConcurrency, chunkSize },
  ];
}

function writeBurstFiles(dir: string, args: BurstArguments): BurstFiles {
  const inputs = path.join(dir, 'inputs');
  fs.mkdirSync(inputs, { recursive: true });
  const financials: string[] = [];
  const files = Array.from({ length: args.files }, (_, i) => {
    const sample = writeSampleOrders(path.join(dir, 'sample'), { records: args.records, seed: 1000 + i });
    const file = path.join(inputs, `orders-${String(i).padStart(3, '0')}.csv`);
    fs.renameSync(sample.ordersFile, file);
    financials.push(sample.financialsCsv.slice(sample.financialsCsv.indexOf('\n') + 1));
    return file;
  });
  // One table serves every run, as in a deployed stack.
  const financialsFile = path.join(dir, 'financials.csv');
  fs.writeFileSync(financialsFile, FINANCIAL_HEADER.join(',') + '\n' + financials.join(''));
  return { inputs: files, records: args.records, financialsFile };
}

export async function main(argv: string[]): Promise<number> {
  const args = parseBurstArguments(argv);
  if ('error' in args) {
    process.stderr.write(`${args.error}\nusage: npm run bench -- --burst [--files N] [--records R] [--concurrency C] [--json]\n`);
    return 2;
  }
  if (!setUpLocalCommand()) return 1;
  const log = (line: string) => (args.json ? process.stderr : process.stdout).write(`${line}\n`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-burst-'));
  try {
    const files = writeBurstFiles(work, args);
    log(`${args.files} files of ${args.records} orders, account concurrency ${args.concurrency}`);
    const cases = [];
    for (const [i, burstCase] of burstCases(args).entries()) {
      const loadBefore = os.loadavg()[0];
      const figures = await runBurstCase(burstCase, files, args.concurrency, path.join(work, `out-${i}`));
      cases.push({ ...figures, loadAverage: [loadBefore, os.loadavg()[0]].map((n) => Math.round(n * 100) / 100) });
      log(`${figures.case}: ${figures.succeeded}/${figures.runs} succeeded, ${figures.throttles} throttles, `
        + `max ${figures.maxConcurrentInvocations} invocations at once, drained in ${figures.drainSeconds.toFixed(1)} s`);
    }
    const { files: fileCount, records, concurrency } = args;
    const report = { files: fileCount, records, concurrency, cases, machine: { nproc: os.cpus().length, node: process.version } };
    process.stdout.write(args.json ? `${JSON.stringify(report)}\n` : `\n${JSON.stringify(report, null, 2)}\n`);
    return 0;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err) => {
      process.stderr.write(`bench --burst failed: ${(err as Error).stack ?? err}\n`);
      process.exitCode = 1;
    },
  );
}
