import * as fs from 'fs';
import { FaultPlan, parseFaultPlan } from './fault-injection';
import { terminalProgress } from './progress';
import { LocalRunOptions, LocalRunResult, runLocally } from './runner';
import { InputEncoding } from '../src/batch-file-processor-props';

const USAGE = 'usage: npm run local -- --input FILE [--lookup FILE] [--delimiter C] [--chunk-size N] [--encoding E] [--out DIR] [--json] [--inject-faults s3=R,enrich=R,lambda=R] [--s3-latency-ms N]';

/** The command-line arguments, or an error message for bad use. */
export function parseArguments(argv: string[]): LocalRunOptions & { json: boolean } | { error: string } {
  const values: Record<string, string> = {};
  let json = false;
  const withValue = ['--input', '--lookup', '--delimiter', '--chunk-size', '--out', '--inject-faults', '--encoding', '--s3-latency-ms'];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') {json = true;} else if (withValue.includes(arg)) {
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
  if (delimiter !== undefined && delimiter.length !== 1) return { error: `--delimiter must be one character, got "${delimiter}"` };
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
  return { input: values['--input'], lookup: values['--lookup'], delimiter, chunkSize, encoding, outDir: values['--out'], faults, s3LatencyMs, json };
}

export function humanSummary(r: LocalRunResult): string {
  // A Cause can hold a whole child execution's description: the JSON output has it in full.
  const seconds = (ms: number) => (ms / 1000).toFixed(1);
  const message = r.error && r.error.message.length > 400 ? `${r.error.message.slice(0, 400)}…` : r.error?.message;
  const lines = [
    `Run ${r.runId}: ${r.status}${r.error ? ` — ${r.error.code}: ${message}` : ''}`,
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

export async function main(argv: string[]): Promise<number> {
  const parsed = parseArguments(argv);
  if ('error' in parsed) {
    process.stderr.write(`${parsed.error}\n${USAGE}\n`);
    return 2;
  }
  const missing = [parsed.input, parsed.lookup].find((file) => file !== undefined && !fs.existsSync(file));
  if (missing !== undefined) {
    process.stderr.write(`no such file: ${missing}\n${USAGE}\n`);
    return 2;
  }
  const { json, ...options } = parsed;
  const showProgress = process.stdout.isTTY && !json;
  const result = await runLocally({ ...options, onProgress: showProgress ? terminalProgress(process.stdout, options.chunkSize ?? 1000) : undefined });
  if (showProgress) process.stdout.write('\n');
  process.stdout.write(json ? `${JSON.stringify(result)}\n` : `${humanSummary(result)}\n`);
  return result.status === 'SUCCEEDED' ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    // Exit once stdout is flushed: the result is out, and nothing left running should hold the command.
    (code) => process.stdout.write('', () => process.exit(code)),
    // Exit here too: a stand-in that was already listening would otherwise keep the process alive.
    (err) => process.stderr.write(`local run failed to start: ${(err as Error).stack ?? err}\n`, () => process.exit(1)),
  );
}
