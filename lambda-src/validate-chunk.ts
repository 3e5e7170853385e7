/**
 * validate-chunk: `ChunkTask` → `ValidationResult`. Checks each record of the chunk and writes the
 * valid ones (for enrich-chunk, or as the processed chunk) and the rejects.
 */
import { ChunkTask, ValidationResult } from './shared/contracts';
import { booleanEnv, bucketFromEnv, delimiterFromEnv } from './shared/handler-env';
import { log } from './shared/logger';
import { prefixesFromEnv, WorkFiles } from './shared/run-layout';
import { readObjectStream, toJsonLines, writeObject } from './shared/s3-objects';
import { processedCsv, validatedChunkJson } from './validate/valid-output';
import { validateChunk } from './validate/validate-records';
import { validatorFromEnv } from './validate/validator-from-env';

export async function handler(task: ChunkTask): Promise<ValidationResult> {
  const bucket = bucketFromEnv();
  const enrichment = booleanEnv('ENRICHMENT', false);
  const work = new WorkFiles(prefixesFromEnv().work, task.runId);
  const { chunk } = task;
  const body = await readObjectStream({ bucket, key: chunk.key });
  const verdicts = await validateChunk(
    body,
    { file: chunk.key, delimiter: delimiterFromEnv(), firstLine: chunk.firstLine },
    validatorFromEnv(),
  );
  const validKey = enrichment ? work.validatedKey(chunk.index) : work.processedKey(chunk.index);
  await writeObject({ bucket, key: work.validationRejectsKey(chunk.index) }, toJsonLines(verdicts.rejected), 'application/x-ndjson');
  if (enrichment) await writeObject({ bucket, key: validKey }, validatedChunkJson(verdicts.valid), 'application/json');
  else await writeObject({ bucket, key: validKey }, processedCsv(verdicts), 'text/csv; charset=utf-8');
  log.info('chunk validated', { runId: task.runId, chunk: chunk.index, valid: verdicts.valid.length, rejected: verdicts.rejected.length });
  return { valid: verdicts.valid.length, rejected: verdicts.rejected.length, validKey };
}
