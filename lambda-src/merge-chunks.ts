/**
 * merge-chunks: `{ runId, split }` → `MergeResult`. Publishes the run's rejects and then its
 * output, streamed chunk by chunk from the work files.
 */
import { mergeRun, MergeSources } from './merge/merge-run';
import { ChunkRef, MergeResult, RejectedRecord, RunPlan, SplitResult } from './shared/contracts';
import { bucketFromEnv } from './shared/handler-env';
import { log } from './shared/logger';
import { prefixesFromEnv, RunLayout } from './shared/run-layout';
import { objectExists, readJson, readJsonLinesArray, readObjectStream, uploadStream } from './shared/s3-objects';

export interface MergeRequest {
  readonly runId: string;
  readonly split: SplitResult;
}

export async function handler(request: MergeRequest): Promise<MergeResult> {
  const bucket = bucketFromEnv();
  const { runId, split } = request;
  const plan = await readJson<RunPlan>({ bucket, key: new RunLayout(prefixesFromEnv(), runId, '').runPlanKey });
  const layout = new RunLayout(prefixesFromEnv(), runId, plan.input.key);
  const chunks = await readJson<ChunkRef[]>({ bucket, key: split.manifestKey });
  const at = (key: string) => ({ bucket, key });
  const sources: MergeSources = {
    processedExists: (chunk) => objectExists(at(layout.processedKey(chunk.index))),
    processed: (chunk) => readObjectStream(at(layout.processedKey(chunk.index))),
    rejects: (chunk) => Promise.all([
      readJsonLinesArray<RejectedRecord>(at(layout.validationRejectsKey(chunk.index))),
      readJsonLinesArray<RejectedRecord>(at(layout.enrichmentRejectsKey(chunk.index))),
    ]),
    chunkFile: (chunk) => readObjectStream(at(chunk.key)),
  };
  const outcome = await mergeRun(
    { header: plan.header, delimiter: plan.delimiter, records: split.records, chunks },
    sources,
    {
      writeRejects: (body) => uploadStream(at(split.rejectsKey), body, 'text/csv; charset=utf-8'),
      writeOutput: (body) => uploadStream(at(split.outputKey), body, 'text/csv; charset=utf-8'),
    },
  );
  log.info('run merged', { runId, ...outcome.records, failedChunks: outcome.failedChunks });
  return { records: outcome.records, outputKey: split.outputKey, rejectsKey: split.rejectsKey, failedChunks: outcome.failedChunks };
}
