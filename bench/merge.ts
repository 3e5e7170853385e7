// bench/ is development tooling, left out of the npm package: it runs on devDependencies.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { BENCH_BUCKET, handlerEnvironment, startBenchS3 } from './bench-s3';
import { HandlerMeasurement, handlerMeasurement, runHandler } from './handler-run';
import { ChunkProcessing, processedChunkOf } from './record-path';
import { BENCH_RUN_ID } from './split';
import { ChildExecutionResult, MapResultsManifest } from '../lambda-src/merge/map-results';
import { splitRecords } from '../lambda-src/split/split-records';
import { HANDLER_DEFAULTS, MERGE_CHUNKS_ENVIRONMENT } from '../src/contract/handler-environment';
import { WorkFiles } from '../src/contract/run-layout';
import { ChunkTask, MapRunResult, MergeRequest, MergeResult, SplitResult } from '../src/contract/run-payloads';

export interface MergeMeasurement extends HandlerMeasurement {
  /** `megabytesPerSec` counts these: the merged output and rejects written. */
  readonly outputBytes: number;
  readonly result: MergeResult;
}

export interface MergeInputOptions {
  /** The S3 stand-in's folder, where the split's measurement left the chunks, the manifest and the run plan. */
  readonly s3Directory: string;
  /** The upload that was split. */
  readonly inputFile: string;
  readonly chunkSize: number;
  /** What the split returned. */
  readonly split: SplitResult;
  /** How each chunk is validated and enriched: the record path's processing. */
  readonly processing: ChunkProcessing;
}

const put = (client: S3Client, key: string, body: string, contentType: string) =>
  client.send(new PutObjectCommand({ Bucket: BENCH_BUCKET, Key: key, Body: body, ContentLength: Buffer.byteLength(body), ContentType: contentType }));

/** One child execution as the ResultWriter exports it (the fields AWS writes, with made-up ARNs and dates). */
function childResult(task: ChunkTask, mapRunArn: string): ChildExecutionResult & Record<string, unknown> {
  const name = `${String(task.chunk.index).padStart(8, '0')}-bench`;
  return {
    ExecutionArn: `${mapRunArn.replace(':mapRun:', ':execution:')}:${name}`,
    Input: JSON.stringify(task),
    InputDetails: { Included: true },
    Name: name,
    Output: String(task.chunk.index),
    OutputDetails: { Included: true },
    RedriveCount: 0,
    RedriveStatus: 'NOT_REDRIVABLE',
    RedriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
    StartDate: '2026-12-01T10:00:00.000Z',
    StateMachineArn: mapRunArn.replace(':mapRun:', ':stateMachine:').replace(/\/[^/]*$/, ''),
    Status: 'SUCCEEDED',
    StopDate: '2026-12-01T10:00:01.000Z',
  };
}

/**
 * Leaves in the bench's S3 what the chunk processor and the Distributed Map leave for merge-chunks:
 * each chunk's processed file and rejects files (validate-chunk and enrich-chunk's own functions,
 * as in the record path), and the Map's exported results, every chunk SUCCEEDED. Written without
 * latency: only the merge is measured.
 */
export async function prepareMergeInputs(options: MergeInputOptions): Promise<MapRunResult> {
  const s3 = await startBenchS3(options.s3Directory, BENCH_BUCKET, 0);
  try {
    const layout = new WorkFiles(HANDLER_DEFAULTS.workPrefix, BENCH_RUN_ID);
    const split = await splitRecords(
      fs.createReadStream(options.inputFile),
      { file: path.basename(options.inputFile), delimiter: ',', chunkSize: options.chunkSize },
      async (chunk) => {
        const key = layout.chunkKey(chunk.index);
        const processed = await processedChunkOf(chunk, key, options.processing);
        await Promise.all([
          put(s3.client, layout.processedKey(chunk.index), processed.processedCsv, 'text/csv; charset=utf-8'),
          put(s3.client, layout.validationRejectsKey(chunk.index), processed.validationRejects, 'application/x-ndjson'),
          put(s3.client, layout.enrichmentRejectsKey(chunk.index), processed.enrichmentRejects, 'application/x-ndjson'),
        ]);
        return key;
      },
    );
    if (split.chunks.length !== options.split.chunkCount) throw new Error(`${split.chunks.length} chunks here, ${options.split.chunkCount} in the split`);

    const mapRunArn = `arn:aws:states:us-east-1:000000000000:mapRun:Orchestrator/ProcessChunks:${BENCH_RUN_ID}`;
    const resultsPrefix = `${layout.mapResultsPrefix}/bench-map-run`;
    const succeeded = JSON.stringify(split.chunks.map((chunk) => childResult({ runId: BENCH_RUN_ID, chunk }, mapRunArn)));
    const succeededKey = `${resultsPrefix}/SUCCEEDED_0.json`;
    await put(s3.client, succeededKey, succeeded, 'application/json');
    const manifest: MapResultsManifest = {
      DestinationBucket: BENCH_BUCKET,
      MapRunArn: mapRunArn,
      ResultFiles: { SUCCEEDED: [{ Key: succeededKey, Size: Buffer.byteLength(succeeded) }], FAILED: [], PENDING: [] },
    };
    const resultsKey = `${resultsPrefix}/manifest.json`;
    await put(s3.client, resultsKey, JSON.stringify(manifest), 'application/json');
    return { mapRunArn, resultsKey };
  } finally {
    await s3.close();
  }
}

export interface MergeMeasurementOptions {
  readonly s3Directory: string;
  readonly split: SplitResult;
  readonly map: MapRunResult;
  /** S3's first-byte latency to model, in ms (`--s3-latency-ms`). */
  readonly s3LatencyMs: number;
}

/**
 * The merge-chunks handler, bundled as Lambda runs it, against the local S3 stand-in with its
 * latency model, in a process of its own: it reads the Map's results, every chunk's rejects and
 * processed file, and uploads the merged rejects and output (multipart). Only the handler is timed.
 */
export async function measureMerge(options: MergeMeasurementOptions): Promise<MergeMeasurement> {
  const s3 = await startBenchS3(options.s3Directory, BENCH_BUCKET, options.s3LatencyMs);
  try {
    const request: MergeRequest = { runId: BENCH_RUN_ID, split: options.split, map: options.map };
    const variables = MERGE_CHUNKS_ENVIRONMENT.encode({ logLevel: 'warn', bucket: BENCH_BUCKET, enrichment: true });
    const run = await runHandler('merge-chunks', request, handlerEnvironment(s3.endpoint, variables));
    const result = run.result as MergeResult;
    const sizeOf = async (key: string) => (await s3.client.send(new HeadObjectCommand({ Bucket: BENCH_BUCKET, Key: key }))).ContentLength ?? 0;
    const outputBytes = await sizeOf(result.stagedOutputKey) + await sizeOf(result.stagedRejectsKey);
    return {
      ...handlerMeasurement(run, {
        records: result.records.total, bytes: outputBytes, chunks: options.split.chunkCount, s3LatencyMs: options.s3LatencyMs,
      }),
      outputBytes,
      result,
    };
  } finally {
    await s3.close();
  }
}
