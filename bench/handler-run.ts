import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { HandlerChildReport } from './handler-child';
import { childOutput, lastLine } from './local-run';
import { Throughput } from './raw-csv';

const CHILD = path.join(__dirname, 'handler-child.ts');

/**
 * Invokes a bundled handler once in a child process with exactly `environment` (and PATH), as a
 * Lambda would with its configuration, and returns what the child reports. One process per
 * invocation: its CPU and peak RSS are the handler's alone, not the benchmark's or the S3 stand-in's.
 */
export async function runHandler(name: string, event: unknown, environment: Record<string, string>): Promise<HandlerChildReport> {
  const eventFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-event-')), 'event.json');
  fs.writeFileSync(eventFile, JSON.stringify(event));
  try {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', CHILD, name, eventFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // The SDK's notice that Node 20 is past its support is not the handler's output.
      env: { PATH: process.env.PATH ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...environment },
      cwd: path.join(__dirname, '..'),
    });
    const { code, stdout, stderr } = await childOutput(child);
    if (code !== 0) throw new Error(`${name} exited with ${code}: ${stderr.trim()}`);
    return JSON.parse(lastLine(stdout)) as HandlerChildReport;
  } finally {
    fs.rmSync(path.dirname(eventFile), { recursive: true, force: true });
  }
}

/** What a measurement of split or merge reports, whatever it counts its bytes by. */
export interface HandlerMeasurement extends Throughput {
  readonly chunks: number;
  readonly s3LatencyMs: number;
  /** Bytes the handler is measured by (its own: the upload read, the files written) per second, in MB (10^6 bytes). */
  readonly megabytesPerSec: number;
  /** CPU time of the process the handler ran in, while it ran. */
  readonly cpuSeconds: number;
  /** Peak RSS of the process the handler ran in. */
  readonly peakRssMb: number;
}

/** A handler run's figures: `records` and `bytes` over the handler's own time, its CPU and peak RSS. */
export interface Counted {
  readonly records: number;
  readonly bytes: number;
  readonly chunks: number;
  readonly s3LatencyMs: number;
}

export function handlerMeasurement(run: HandlerChildReport, counted: Counted): HandlerMeasurement {
  return {
    records: counted.records,
    chunks: counted.chunks,
    seconds: run.seconds,
    recordsPerSec: counted.records / run.seconds,
    megabytesPerSec: counted.bytes / 1e6 / run.seconds,
    s3LatencyMs: counted.s3LatencyMs,
    cpuSeconds: run.cpuSeconds,
    peakRssMb: run.maxRssKb / 1024,
  };
}
