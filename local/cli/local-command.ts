/**
 * `batch-file-processor local`: runs a processor of the user's CDK app on this machine, against the input
 * they give: the app synthesized as `cdk synth` would, its state machines and functions (the construct's
 * bundled handlers and the user's own Node.js functions) run in the local cloud.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { badUse } from './command';
import { terminalProgress } from './progress';
import { humanSummary } from './run-summary';
import type { AppRunOptions, TableDataFile } from '../run/app-run';
import { FaultPlan, parseFaultPlan } from '../stand-ins/fault-injection';

export const LOCAL_USAGE = 'local --input FILE [--app COMMAND|DIR] [-c KEY=VALUE]... [--processor PATH] [--table-data PATH=FILE]... '
  + '[--endpoint-data FILE] [--out DIR] [--json] [--inject-faults s3=R,enrich=R,lambda=R,ddb=R] [--redrive] [--s3-latency-ms N] '
  + '[--no-iam] [--verified-identities LIST] [--no-ses-sandbox]';

export const LOCAL_OPTIONS = `
  --input FILE               the CSV file to process (required)
  --app COMMAND|DIR          the app: a command that synthesizes it, or a synthesized cloud assembly
                             folder, as cdk's --app (default: the "app" of ./cdk.json)
  -c, --context KEY=VALUE    context for the app's synthesis, over cdk.json's and cdk.context.json's (repeatable)
  --processor PATH           the construct path of the BatchFileProcessor to run, e.g. MyStack/Orders
                             (needed when the app has more than one)
  --table-data PATH=FILE     load a table of the processor's stack before the run (PATH: the table's construct
                             path, e.g. MyStack/Financials; FILE: CSV with a header, or JSON Lines .jsonl/.ndjson);
                             repeatable
  --endpoint-data FILE       answer the HTTP endpoint enricher whose URL is outside the app from this CSV file
                             (per-record GET keyed by the URL's {column}s, batch POST by the file's first column)
  --out DIR                  where the output, rejects, rejected-records table, summary and the functions' log go
                             (default .local-runs/<runId>/)
  --json                     print the result as one JSON object, the last line of stdout
  --inject-faults PLAN       transient faults, as probabilities per request: s3=R,enrich=R,lambda=R,ddb=R
  --redrive                  when the run fails, end the faults and redrive it once, as redrive-execution would
  --s3-latency-ms N          model S3's first-byte latency: every S3 response starts N ms later (default 0)
  --no-iam                   allow every call (diagnosis: is a failure a missing permission?); by default every
                             call is authorized against the app's IAM policies, as on AWS
  --verified-identities LIST the SES identities verified in the account, addresses and domains, comma-separated,
                             beyond those the app verifies (default: none)
  --no-ses-sandbox           SES with production access: recipients need not be verified (default: the sandbox)
  --help                     print this help

Exit code: 0 the run succeeded, 1 the run failed (its summary is still printed), 2 bad use.
`;

/** The command's options, as parsed. */
export interface LocalCommandOptions {
  readonly input: string;
  readonly app?: string;
  readonly context: Record<string, string>;
  readonly processor?: string;
  readonly tableData: TableDataFile[];
  readonly endpointData?: string;
  readonly outDir?: string;
  readonly json: boolean;
  readonly faults?: FaultPlan;
  readonly redrive: boolean;
  readonly s3LatencyMs?: number;
  readonly iam: boolean;
  readonly sesSandbox: boolean;
  readonly verifiedEmailIdentities?: string[];
}

const WITH_VALUE = ['--input', '--app', '-c', '--context', '--processor', '--table-data', '--endpoint-data', '--out', '--inject-faults', '--s3-latency-ms',
  '--verified-identities'];

/** `KEY=VALUE` split at the first `=`, or undefined without one (or with an empty side). */
function assignment(text: string): [string, string] | undefined {
  const at = text.indexOf('=');
  return at > 0 && at < text.length - 1 ? [text.slice(0, at), text.slice(at + 1)] : undefined;
}

/** The command-line arguments, `help` when asked for, or an error message for bad use. */
export function parseLocalArguments(argv: readonly string[]): LocalCommandOptions | { help: true } | { error: string } {
  if (argv.includes('--help') || argv.includes('-h')) return { help: true };
  const single: Record<string, string> = {};
  const context: Record<string, string> = {};
  const tableData: TableDataFile[] = [];
  let json = false;
  let redrive = false;
  let iam = true;
  let sesSandbox = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') { json = true; continue; }
    if (arg === '--redrive') { redrive = true; continue; }
    if (arg === '--no-iam') { iam = false; continue; }
    if (arg === '--no-ses-sandbox') { sesSandbox = false; continue; }
    if (!WITH_VALUE.includes(arg)) return { error: `unknown argument ${arg}` };
    if (i + 1 >= argv.length) return { error: `${arg} needs a value` };
    const value = argv[++i];
    if (arg === '-c' || arg === '--context') {
      const pair = assignment(value);
      if (!pair) return { error: `${arg} needs KEY=VALUE, got "${value}"` };
      context[pair[0]] = pair[1];
    } else if (arg === '--table-data') {
      const pair = assignment(value);
      if (!pair) return { error: `--table-data needs PATH=FILE (a table's construct path and a file), got "${value}"` };
      tableData.push({ path: pair[0], file: pair[1] });
    } else {
      single[arg] = value;
    }
  }
  if (!single['--input']) return { error: '--input is required' };
  let s3LatencyMs: number | undefined;
  if (single['--s3-latency-ms'] !== undefined) {
    s3LatencyMs = Number(single['--s3-latency-ms']);
    if (!Number.isInteger(s3LatencyMs) || s3LatencyMs < 0) return { error: `--s3-latency-ms must be a non-negative integer, got "${single['--s3-latency-ms']}"` };
  }
  let verifiedEmailIdentities: string[] | undefined;
  if (single['--verified-identities'] !== undefined) {
    verifiedEmailIdentities = single['--verified-identities'].split(',').map((identity) => identity.trim()).filter(Boolean);
    const invalid = verifiedEmailIdentities.filter((identity) => !/^([^@\s]+@)?[^@\s]+\.[^@\s]+$/.test(identity));
    if (verifiedEmailIdentities.length === 0 || invalid.length) {
      return { error: `--verified-identities must list email addresses or domains, got "${single['--verified-identities']}"` };
    }
  }
  let faults: FaultPlan | undefined;
  try {
    faults = single['--inject-faults'] ? parseFaultPlan(single['--inject-faults']) : undefined;
  } catch (err) {
    return { error: `--inject-faults: ${(err as Error).message}` };
  }
  return {
    input: single['--input'],
    app: single['--app'],
    context,
    processor: single['--processor'],
    tableData,
    endpointData: single['--endpoint-data'],
    outDir: single['--out'],
    json,
    faults,
    redrive,
    s3LatencyMs,
    iam,
    sesSandbox,
    verifiedEmailIdentities,
  };
}

/** Where the command runs and how it names itself. */
export interface LocalCommandSetting {
  /** The command as the user types it, for the usage and bad-use lines, e.g. `batch-file-processor local`. */
  readonly command: string;
  /** The folder relative paths are taken from. */
  readonly filesFrom: string;
  /** The app's folder (its cdk.json). @default `filesFrom` */
  readonly appDirectory?: string;
  /** Runs once the arguments are known good, before the app is synthesized; false stops the command (exit 1). */
  readonly beforeRun?: () => boolean;
}

/** Runs the command; resolves with its exit code. */
export async function runLocalCommand(argv: readonly string[], setting: LocalCommandSetting): Promise<number> {
  const parsed = parseLocalArguments(argv);
  if ('help' in parsed) {
    process.stdout.write(`usage: ${setting.command} ${LOCAL_USAGE.replace(/^local /, '')}\n${LOCAL_OPTIONS}`);
    return 0;
  }
  if ('error' in parsed) return badUse(parsed.error, setting.command);
  const fromCaller = (file: string) => path.resolve(setting.filesFrom, file);
  const tableData = parsed.tableData.map((data) => ({ ...data, file: fromCaller(data.file) }));
  const files = [parsed.input, ...tableData.map((data) => data.file), ...parsed.endpointData ? [parsed.endpointData] : []].map(fromCaller);
  const missing = files.find((file) => !fs.existsSync(file));
  if (missing !== undefined) return badUse(`no such file: ${missing}`, setting.command);
  if (setting.beforeRun && !setting.beforeRun()) return 1;

  // The run loads the stand-ins, seconds of start-up that help and bad use do without.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { runApp } = require('../run/app-run') as typeof import('../run/app-run');
  const { synthesizeApp } = require('../template/app-synthesis') as typeof import('../template/app-synthesis');
  const { UsageError } = require('../template/usage-error') as typeof import('../template/usage-error');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const showProgress = process.stdout.isTTY && !parsed.json;
  const options: AppRunOptions = {
    input: fromCaller(parsed.input),
    processor: parsed.processor,
    tableData,
    endpointData: parsed.endpointData && fromCaller(parsed.endpointData),
    outDir: parsed.outDir && fromCaller(parsed.outDir),
    faults: parsed.faults,
    redrive: parsed.redrive,
    s3LatencyMs: parsed.s3LatencyMs,
    iam: parsed.iam,
    ses: { sandbox: parsed.sesSandbox, verifiedIdentities: parsed.verifiedEmailIdentities },
    onProgress: showProgress ? terminalProgress(process.stdout) : undefined,
  };
  let result;
  try {
    const startedAt = Date.now();
    // The app's own output (its warnings, a bundler's progress) goes to stderr: stdout carries the result.
    const directory = setting.appDirectory ?? setting.filesFrom;
    const app = await synthesizeApp({ app: parsed.app, directory, context: parsed.context, output: process.stderr });
    try {
      result = await runApp({ stacks: app.stacks, startedAt }, options);
    } finally {
      app.dispose();
    }
  } catch (error) {
    if (error instanceof UsageError) return badUse(error.message, setting.command);
    throw error;
  }
  if (showProgress) process.stdout.write('\n');
  process.stdout.write(parsed.json ? `${JSON.stringify(result)}\n` : `${humanSummary(result)}\n`);
  return result.status === 'SUCCEEDED' ? 0 : 1;
}
