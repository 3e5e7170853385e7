// bench/ is development tooling, left out of the npm package: it runs on devDependencies.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { BENCH_BUCKET, handlerEnvironment, startBenchS3 } from './bench-s3';
import { HandlerMeasurement, handlerMeasurement, runHandler } from './handler-run';
import { SPLIT_INPUT_ENVIRONMENT } from '../src/contract/handler-environment';
import { RunRequest, SplitResult } from '../src/contract/run-payloads';

export interface SplitMeasurementOptions {
  readonly inputFile: string;
  readonly chunkSize: number;
  /** S3's first-byte latency to model, in ms (`--s3-latency-ms`). */
  readonly s3LatencyMs: number;
  /**
   * The S3 stand-in's folder. The input is uploaded there once; the chunks, the manifest and the
   * run plan the split writes stay there for the merge's measurement.
   */
  readonly s3Directory: string;
}

export interface SplitMeasurement extends HandlerMeasurement {
  /** `megabytesPerSec` counts these: the upload read. */
  readonly inputBytes: number;
  /** The size of the manifest the Distributed Map reads. */
  readonly manifestBytes: number;
  readonly result: SplitResult;
}

/** The run every handler benchmark measures. */
export const BENCH_RUN_ID = 'bench-run';

/**
 * The split-input handler, bundled as Lambda runs it, over one upload against the local S3 stand-in
 * with its latency model, in a process of its own: it reads the upload, decodes and cuts it into
 * chunks, writes them (16 in flight), then the manifest and the run plan. Only the handler is timed.
 */
export async function measureSplit(options: SplitMeasurementOptions): Promise<SplitMeasurement> {
  const s3 = await startBenchS3(options.s3Directory, BENCH_BUCKET, options.s3LatencyMs);
  try {
    const key = `input/${path.basename(options.inputFile)}`;
    const inputBytes = fs.statSync(options.inputFile).size;
    const stored = await s3.client.send(new HeadObjectCommand({ Bucket: BENCH_BUCKET, Key: key })).catch(() => undefined);
    if (stored?.ContentLength !== inputBytes) {
      await s3.client.send(new PutObjectCommand({
        Bucket: BENCH_BUCKET, Key: key, Body: fs.createReadStream(options.inputFile), ContentLength: inputBytes,
      }));
    }
    const request: RunRequest = { runId: BENCH_RUN_ID, bucket: BENCH_BUCKET, key };
    const variables = SPLIT_INPUT_ENVIRONMENT.encode({ logLevel: 'warn', bucket: BENCH_BUCKET, chunkSize: options.chunkSize });
    const run = await runHandler('split-input', request, handlerEnvironment(s3.endpoint, variables));
    const result = run.result as SplitResult;
    const manifest = await s3.client.send(new HeadObjectCommand({ Bucket: BENCH_BUCKET, Key: result.manifestKey }));
    return {
      ...handlerMeasurement(run, { records: result.records, bytes: inputBytes, chunks: result.chunkCount, s3LatencyMs: options.s3LatencyMs }),
      inputBytes,
      manifestBytes: manifest.ContentLength ?? 0,
      result,
    };
  } finally {
    await s3.close();
  }
}
