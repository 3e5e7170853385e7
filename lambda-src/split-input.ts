/**
 * split-input: `RunRequest` → `SplitResult`. Streams the upload once, writing chunk files as they
 * fill, then the manifest the Distributed Map reads and the run plan for the later steps.
 */
import { copySourceOf } from './shared/copy-source';
import { log } from './shared/logger';
import { openObject, writeJson, writeObject } from './shared/s3-objects';
import { ChunkFile } from './split/chunk-splitter';
import { gunzipInput, isGzipInput } from './split/gzip-input';
import { checkMapItemSource } from './split/map-item-source';
import { splitRecords } from './split/split-records';
import { utf8Input } from './split/utf8-input';
import { SPLIT_INPUT_ENVIRONMENT } from '../src/contract/handler-environment';
import { archiveKey, baseName, PublishedFiles, WorkFiles } from '../src/contract/run-layout';
import { RunPlan, RunRequest, SplitResult } from '../src/contract/run-payloads';

export async function handler(request: RunRequest): Promise<SplitResult> {
  const startedAt = new Date().toISOString();
  const { bucket, delimiter, chunkSize, encoding, workPrefix, outputPrefix, archivePrefix } = SPLIT_INPUT_ENVIRONMENT.decode(process.env);
  const work = new WorkFiles(workPrefix, request.runId);
  const published = new PublishedFiles(outputPrefix, request.runId, request.key);
  const file = baseName(request.key);

  // Decompressed, then decoded, as it streams in: every later step reads plain UTF-8 chunks.
  const object = await openObject({ bucket: request.bucket, key: request.key, versionId: request.versionId });
  const gzip = isGzipInput(request.key, object.contentEncoding);
  log.info('split started', { runId: request.runId, bucket: request.bucket, key: request.key, chunkSize, gzip, encoding });
  const input = utf8Input(gzip ? gunzipInput(object.body, file) : object.body, encoding);
  const writeChunk = async (chunk: ChunkFile) => {
    const key = work.chunkKey(chunk.index);
    await writeObject({ bucket, key }, chunk.body, 'text/csv; charset=utf-8');
    return key;
  };
  const writeLines = async (chunk: ChunkFile) => {
    const key = work.chunkLinesKey(chunk.index);
    await writeJson({ bucket, key }, chunk.lines);
    return key;
  };
  const outcome = await splitRecords(input, { file, delimiter, chunkSize, writeLines }, writeChunk);

  const result: SplitResult = {
    runId: request.runId,
    manifestKey: work.manifestKey,
    chunkCount: outcome.chunks.length,
    records: outcome.records,
    delimiter,
    outputKey: published.outputKey,
    rejectsKey: published.rejectsKey,
    summaryKey: published.summaryKey,
    archiveKey: archiveKey(archivePrefix, request.runId, request.key),
    copySource: copySourceOf(request),
  };
  const plan: RunPlan = { ...result, input: request, header: outcome.header, startedAt };
  const manifest = JSON.stringify(outcome.chunks);
  checkMapItemSource(file, chunkSize, outcome.chunks.length, Buffer.byteLength(manifest));
  await writeObject({ bucket, key: work.manifestKey }, manifest, 'application/json');
  await writeJson({ bucket, key: work.runPlanKey }, plan);
  log.info('split finished', { runId: request.runId, chunks: result.chunkCount, records: result.records, rejectsFile: outcome.rejectsFile });
  return result;
}
