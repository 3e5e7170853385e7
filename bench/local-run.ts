import { ChildProcessByStdio, spawn } from 'node:child_process';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import type { LocalRunReport } from './local-run-child';

export interface LocalRunMeasurement extends LocalRunReport {
  /** From spawning the child to its exit, Node and ts-node start-up included. */
  readonly processSeconds: number;
  readonly peakRssMb: number;
}

const CHILD = path.join(__dirname, 'local-run-child.ts');

/** The last non-empty line of a process's output: where the child prints its report. */
export function lastLine(text: string): string {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return lines[lines.length - 1] ?? '';
}

export interface ChildOutput {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Waits for a child spawned with piped output; resolves with its exit code, everything it printed
 * on stdout (the report is its last line) and the end of its stderr (for the error).
 */
export async function childOutput(child: ChildProcessByStdio<null, Readable, Readable>): Promise<ChildOutput> {
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => { stdout += text; });
  child.stderr.setEncoding('utf8').on('data', (text: string) => { stderr = (stderr + text).slice(-4000); });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  return { code, stdout, stderr };
}

/**
 * Runs the local runner on `input` in a child process (one per measurement, so that one run's
 * heap does not inflate the next one's peak) and returns its report.
 */
export async function measureLocalRun(input: string, lookup: string, outDir: string): Promise<LocalRunMeasurement> {
  const started = process.hrtime.bigint();
  const child = spawn(
    process.execPath,
    ['--openssl-legacy-provider', '-r', 'ts-node/register/transpile-only', CHILD, '--input', input, '--lookup', lookup, '--out', outDir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const { code, stdout, stderr } = await childOutput(child);
  const processSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0) throw new Error(`the local run exited with ${code}: ${stderr.trim()}`);
  const report = JSON.parse(lastLine(stdout)) as LocalRunReport;
  return { ...report, processSeconds, peakRssMb: report.maxRssKb / 1024 };
}
