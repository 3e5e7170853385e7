import * as fs from 'node:fs';
import * as path from 'node:path';
import { setUpLocalCommand } from './command-setup';
import { terminalProgress } from './progress';
import { InputEncoding } from '../../src/batch-file-processor-props';
import { LocalRunOptions, LocalRunResult } from '../run/runner';
import { FaultPlan, parseFaultPlan } from '../stand-ins/fault-injection';

const USAGE = 'usage: npm run local -- --input FILE [--lookup FILE] [--delimiter C] [--chunk-size N] [--encoding E] [--out DIR] [--json] [--inject-faults s3=R,enrich=R,lambda=R] [--redrive] [--s3-latency-ms N]';

const HELP = `${USAGE}

Runs the reference example (examples/orders-stack.ts) on this machine: its synthesized state machines and
bundled handlers, against local stand-ins for S3, DynamoDB, SES, Lambda and Step Functions.

  --input FILE          the CSV file to process (required)
  --lookup FILE         financial data (CSV with a uuid column) loaded into the lookup table first
  --delimiter C         the files' one-character delimiter, e.g. ';' or '|'; tab or \\t for a tab (default ,)
  --chunk-size N        records per chunk (default 1000)
  --out DIR             where the output, rejects, summary and the functions' log go (default .local-runs/<runId>/)
  --json                print the result as one JSON object, the last line of stdout
  --inject-faults PLAN  transient faults, as probabilities per request: s3=R,enrich=R,lambda=R
  --help                print this help

Exit code: 0 the run succeeded, 1 the run failed (its summary is still printed), 2 bad use.
`;

/** The command-line arguments, `help` when asked for, or an error message for bad use. */
export function parseArguments(argv: string[]): LocalRunOptions & { json: boolean } | { help: true } | { error: string } {
  if (argv.includes('--help') || argv.includes('-h')) return { help: true };
  const values: Record<string, string> = {};
  let json = false;
  let redrive = false;
  const withValue = ['--input', '--lookup', '--delimiter', '--chunk-size', '--out', '--inject-faults', '--encoding', '--s3-latency-ms'];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') {json = true;} else if (arg === '--redrive') {redrive = true;} else if (withValue.includes(arg)) {
      if (i + 1 >= argv.length) return { error: `${arg} needs a value` };
      values[arg] = argv[++i];
    } else {return { error: `unknown argument ${arg}` };}
  }
  if (!values['--input']) return { error: '--input is required' };
  let chunkSize: number | undefined;
  if (values['--chunk-size'] !== undefined) {
    chunkSize = Number(values['--chunk-size']);
    if (!Number.isInteger(chunkSize) || chunkSize < 1) return { error: `--chunk-size must be a positive integer, got "${values['--chunk-size']}"` };
  }
  let delimiter = values['--delimiter'];
  if (delimiter === '\\t' || delimiter === 'tab') delimiter = '\t';
  if (delimiter !== undefined && delimiter.length !== 1) return { error: `--delimiter must be one character, got ${JSON.stringify(delimiter)}` };
  const encodings = Object.values(InputEncoding) as string[];
  const encoding = values['--encoding'] as InputEncoding | undefined;
  if (encoding !== undefined && !encodings.includes(encoding)) return { error: `--encoding must be one of ${encodings.join(', ')}, got "${encoding}"` };
  let s3LatencyMs: number | undefined;
  if (values['--s3-latency-ms'] !== undefined) {
    s3LatencyMs = Number(values['--s3-latency-ms']);
    if (!Number.isInteger(s3LatencyMs) || s3LatencyMs < 0) return { error: `--s3-latency-ms must be a non-negative integer, got "${values['--s3-latency-ms']}"` };
  }
  let faults: FaultPlan | undefined;
  try {
    faults = values['--inject-faults'] ? parseFaultPlan(values['--inject-faults']) : undefined;
  } catch (err) {
    return { error: `--inject-faults: ${(err as Error).message}` };
  }
  return { input: values['--input'], lookup: values['--lookup'], delimiter, chunkSize, encoding, outDir: values['--out'], faults, s3LatencyMs, redrive, json };
}

export function humanSummary(r: LocalRunResult): string {
  // A Cause can hold a whole child execution's description: the JSON output has it in full.
  const seconds = (ms: number) => (ms / 1000).toFixed(1);
  const message = r.error && r.error.message.length > 400 ? `${r.error.message.slice(0, 400)}…` : r.error?.message;
  const lines = [
    `Run ${r.runId}: ${r.status}${r.error ? ` — ${r.error.code}: ${message}` : ''}${r.redrives ? ` (after ${r.redrives} redrive${r.redrives === 1 ? '' : 's'})` : ''}`,
    `Records: ${r.records.total} total, ${r.records.valid} valid, ${r.records.rejected} rejected, in ${r.chunks} chunks`,
    `Output:  ${r.output ?? '(none published)'}`,
    `Rejects: ${r.rejects ?? '(none)'}`,
    `Summary: ${r.summary ?? '(none)'}`,
    `Emails:  ${r.emails.length ? r.emails.map((e) => `to ${e.to}: "${e.subject}"`).join('; ') : '(none)'}`,
    `Lambda logs: ${r.log}`,
    `AWS usage: ${r.stats.stateTransitions} state transitions, ${r.stats.expressRequests} Express requests, ${r.stats.lambdaInvocations} Lambda invocations `
      + `(${r.stats.lambdaGbSeconds} GB-s), ${r.stats.s3Requests} S3 requests, ${r.stats.apiRequests} API requests, `
      + `${r.stats.dynamodbWriteUnits} DynamoDB write units, ${r.stats.emails} emails`,
    `Estimated AWS cost: $${r.estimatedAwsCostUsd.toFixed(6)} · ${seconds(r.durationMs)} s `
      + `(setup ${seconds(r.phasesMs.setup)} s of which lookup ${seconds(r.phasesMs.lookup)} s, run ${seconds(r.phasesMs.run)} s)`,
  ];
  return lines.join('\n');
}

/** One line for bad use: what is wrong, and where the usage is. */
function badUse(message: string): number {
  process.stderr.write(`${message} (npm run local -- --help for the usage)\n`);
  return 2;
}

export async function main(argv: string[]): Promise<number> {
  const parsed = parseArguments(argv);
  if ('help' in parsed) {
    process.stdout.write(HELP);
    return 0;
  }
  if ('error' in parsed) return badUse(parsed.error);
  // npm runs scripts in the package's folder: paths are meant from where `npm run` was typed (INIT_CWD).
  const fromCaller = (file: string | undefined) => (file === undefined ? undefined : path.resolve(process.env.INIT_CWD ?? '.', file));
  const { json, ...given } = parsed;
  const options = { ...given, input: fromCaller(given.input)!, lookup: fromCaller(given.lookup), outDir: fromCaller(given.outDir) };
  const missing = [options.input, options.lookup].find((file) => file !== undefined && !fs.existsSync(file));
  if (missing !== undefined) return badUse(`no such file: ${missing}`);
  if (!setUpLocalCommand()) return 1;
  // The runner loads the CDK and the stand-ins, seconds of start-up that help and bad use do without.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runLocally } = require('../run/runner') as typeof import('../run/runner');
  const showProgress = process.stdout.isTTY && !json;
  const result = await runLocally({ ...options, onProgress: showProgress ? terminalProgress(process.stdout) : undefined });
  if (showProgress) process.stdout.write('\n');
  process.stdout.write(json ? `${JSON.stringify(result)}\n` : `${humanSummary(result)}\n`);
  return result.status === 'SUCCEEDED' ? 0 : 1;
}

/** Runs a command's main function and exits with its code. */
export function runCommand(run: () => Promise<number>): void {
  run().then(
    // Exit once stdout is flushed: the result is out, and nothing left running should hold the command.
    (code) => process.stdout.write('', () => process.exit(code)),
    // Exit here too: a stand-in that was already listening would otherwise keep the process alive.
    (err) => process.stderr.write(`local run failed to start: ${(err as Error).stack ?? err}\n`, () => process.exit(1)),
  );
}

if (require.main === module) runCommand(() => main(process.argv.slice(2)));
