/**
 * `batch-file-processor local`: runs a processor of the user's CDK app on this machine, against the input
 * they give: the app synthesized as `cdk synth` would, its state machines and functions (the construct's
 * bundled handlers and the user's own Node.js functions) run in the local cloud.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { badUse } from './command';
import { inputFiles } from './input-files';
import { LOCAL_OPTIONS } from './local-options';
import { asksForHelp, optionsHelp, parseOptions, usageLine } from './option-table';
import { terminalProgress } from './progress';
import { humanSummary } from './run-summary';
import type { AppRunOptions, TableDataFile } from '../run/app-run';
import { UsageError } from '../shared/usage-error';
import type { FaultPlan } from '../stand-ins/fault-injection';

/** The usage line's options, after the command's name. */
export const LOCAL_USAGE = usageLine(LOCAL_OPTIONS);

/** The options' help and the exit codes; `defaults` replaces the defaults a caller sets otherwise (`npm run local`). */
export function localOptionsHelp(defaults: Readonly<Record<string, string>> = {}): string {
  return `\n${optionsHelp(LOCAL_OPTIONS, defaults)}\n\nExit code: 0 every run succeeded, 1 a run failed (the summary is still printed), 2 bad use.\n`;
}

/** The command's options, as parsed. */
export interface LocalCommandOptions {
  /** The files and folders given with `--input`, in order. */
  readonly inputs: string[];
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
  readonly lambdaConcurrency?: number;
  readonly iam: boolean;
  readonly sesSandbox: boolean;
  readonly verifiedEmailIdentities?: string[];
}

/** The command-line arguments, `help` when asked for (whatever else is given), or an error message for bad use. */
export function parseLocalArguments(argv: readonly string[]): LocalCommandOptions | { help: true } | { error: string } {
  if (asksForHelp(LOCAL_OPTIONS, argv)) return { help: true };
  try {
    const values = parseOptions(LOCAL_OPTIONS, argv);
    return {
      inputs: values.input,
      app: values.app,
      context: Object.fromEntries(values.context),
      processor: values.processor,
      tableData: values['table-data'],
      endpointData: values['endpoint-data'],
      outDir: values.out,
      json: values.json,
      faults: values['inject-faults'],
      redrive: values.redrive,
      s3LatencyMs: values['s3-latency-ms'],
      lambdaConcurrency: values['lambda-concurrency'],
      iam: !values['no-iam'],
      sesSandbox: !values['no-ses-sandbox'],
      verifiedEmailIdentities: values['verified-identities'],
    };
  } catch (error) {
    if (error instanceof UsageError) return { error: error.message };
    throw error;
  }
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
    process.stdout.write(`usage: ${setting.command} ${LOCAL_USAGE}\n${localOptionsHelp()}`);
    return 0;
  }
  if ('error' in parsed) return badUse(parsed.error, setting.command);
  const fromCaller = (file: string) => path.resolve(setting.filesFrom, file);
  const tableData = parsed.tableData.map((data) => ({ ...data, file: fromCaller(data.file) }));
  let inputs: string[];
  try {
    inputs = inputFiles(parsed.inputs.map(fromCaller));
  } catch (error) {
    if (error instanceof UsageError) return badUse(error.message, setting.command);
    throw error;
  }
  const files = [...tableData.map((data) => data.file), ...parsed.endpointData ? [parsed.endpointData] : []].map(fromCaller);
  const missing = files.find((file) => !fs.existsSync(file));
  if (missing !== undefined) return badUse(`no such file: ${missing}`, setting.command);
  if (setting.beforeRun && !setting.beforeRun()) return 1;

  // The run loads the stand-ins, seconds of start-up that help and bad use do without.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { runApp } = require('../run/app-run') as typeof import('../run/app-run');
  const { synthesizeApp } = require('../template/app-synthesis') as typeof import('../template/app-synthesis');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const showProgress = process.stdout.isTTY && !parsed.json;
  const options: AppRunOptions = {
    input: inputs[0],
    concurrentInputs: inputs.slice(1),
    processor: parsed.processor,
    tableData,
    endpointData: parsed.endpointData && fromCaller(parsed.endpointData),
    outDir: parsed.outDir && fromCaller(parsed.outDir),
    faults: parsed.faults,
    redrive: parsed.redrive,
    s3LatencyMs: parsed.s3LatencyMs,
    lambdaConcurrency: parsed.lambdaConcurrency,
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
  return result.totals.failed === 0 ? 0 : 1;
}
