/**
 * merge-chunks: `MergeRequest` → `MergeResult`. Stages the run's rejects and output under its work
 * prefix, streamed chunk by chunk from the work files; the chunks' outcomes come from the
 * Distributed Map's exported results (and, for chunks those leave out, from the other Map Runs' results
 * under the run's map-results prefix, which it may list). notify publishes the staged files when the run succeeds.
 *
 * It reads only files it knows exist, never probing: a chunk whose child execution SUCCEEDED has its
 * processed chunk and its validation rejects, and its enrichment rejects when enrichment is configured
 * (each step always writes its files); a failed chunk's records are read from its chunk file.
 */
import { chunkOutcomes, ChildExecutionResult, MapResultsManifest } from './merge/map-results';
import { mergeRun, MergeSources } from './merge/merge-run';
import { log } from './shared/logger';
import { listKeys, readJson, readJsonLinesArray, readObjectStream, uploadStream } from './shared/s3-objects';
import { MERGE_CHUNKS_ENVIRONMENT } from '../src/contract/handler-environment';
import { WorkFiles } from '../src/contract/run-layout';
import { ChunkRef, MergeRequest, MergeResult, RejectedRecord, RunPlan } from '../src/contract/run-payloads';

export async function handler(request: MergeRequest): Promise<MergeResult> {
  const { bucket, workPrefix, enrichment } = MERGE_CHUNKS_ENVIRONMENT.decode(process.env);
  const { runId, split, map } = request;
  const work = new WorkFiles(workPrefix, runId);
  const plan = await readJson<RunPlan>({ bucket, key: work.runPlanKey });
  const stagedOutputKey = work.stagedOutputKey(plan.input.key);
  const stagedRejectsKey = work.stagedRejectsKey(plan.input.key);
  const at = (key: string) => ({ bucket, key });
  const chunks = await readJson<ChunkRef[]>(at(split.manifestKey));
  const outcomes = await chunkOutcomes({
    manifestKey: map.resultsKey,
    readManifest: (key) => readJson<MapResultsManifest>(at(key)),
    readResultFile: (key) => readJson<ChildExecutionResult[]>(at(key)),
    // Other Map Runs of this run (a redrive's results may list only the redriven children).
    listManifests: async () => (await listKeys(bucket, `${work.mapResultsPrefix}/`)).filter((key) => key.endsWith('/manifest.json')),
  }, chunks.length);
  const failedChunks = new Set(chunks.filter((chunk) => outcomes[chunk.index] === 'FAILED').map((chunk) => chunk.index));

  const sources: MergeSources = {
    processed: (chunk) => readObjectStream(at(work.processedKey(chunk.index))),
    rejects: (chunk) => Promise.all([
      readJsonLinesArray<RejectedRecord>(at(work.validationRejectsKey(chunk.index))),
      enrichment ? readJsonLinesArray<RejectedRecord>(at(work.enrichmentRejectsKey(chunk.index))) : [],
    ]),
    chunkFile: (chunk) => readObjectStream(at(chunk.key)),
    chunkLines: async (chunk) => (chunk.linesKey ? readJson<number[]>(at(chunk.linesKey)) : undefined),
  };
  const outcome = await mergeRun(
    { header: plan.header, delimiter: plan.delimiter, records: split.records, chunks, failedChunks },
    sources,
    {
      writeRejects: (body) => uploadStream(at(stagedRejectsKey), body, 'text/csv; charset=utf-8'),
      writeOutput: (body) => uploadStream(at(stagedOutputKey), body, 'text/csv; charset=utf-8'),
    },
  );
  log.info('run merged', { runId, ...outcome.records, failedChunks: outcome.failedChunks });
  return {
    records: outcome.records,
    outputKey: split.outputKey,
    rejectsKey: split.rejectsKey,
    stagedOutputKey,
    stagedRejectsKey,
    failedChunks: outcome.failedChunks,
  };
}
