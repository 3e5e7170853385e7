/**
 * validate-chunk: `ValidateTask` → `ValidationResult`. Checks each record of the chunk and writes the
 * valid ones (for enrich-chunk, or as the processed chunk) and the rejects.
 */
import { log } from './shared/logger';
import { readJson, readObjectStream, toJsonLines, writeObject } from './shared/s3-objects';
import { processedCsv, validatedChunkJson } from './validate/valid-output';
import { validateChunk } from './validate/validate-records';
import { validatorOf } from './validate/validator-settings';
import { VALIDATE_CHUNK_ENVIRONMENT } from '../src/contract/handler-environment';
import { WorkFiles } from '../src/contract/run-layout';
import { ValidateTask, ValidationResult } from '../src/contract/run-payloads';

export async function handler(task: ValidateTask): Promise<ValidationResult> {
  const { bucket, workPrefix, enrichment, validator } = VALIDATE_CHUNK_ENVIRONMENT.decode(process.env);
  const work = new WorkFiles(workPrefix, task.runId);
  const { chunk, delimiter } = task;
  const body = await readObjectStream({ bucket, key: chunk.key });
  const lines = chunk.linesKey ? await readJson<number[]>({ bucket, key: chunk.linesKey }) : undefined;
  const verdicts = await validateChunk(
    body,
    { file: chunk.key, delimiter, firstLine: chunk.firstLine, lines },
    validatorOf(validator),
  );
  const validKey = enrichment ? work.validatedKey(chunk.index) : work.processedKey(chunk.index);
  await writeObject({ bucket, key: work.validationRejectsKey(chunk.index) }, toJsonLines(verdicts.rejected), 'application/x-ndjson');
  if (enrichment) await writeObject({ bucket, key: validKey }, validatedChunkJson(verdicts.valid), 'application/json');
  else await writeObject({ bucket, key: validKey }, processedCsv(verdicts), 'text/csv; charset=utf-8');
  log.info('chunk validated', { runId: task.runId, chunk: chunk.index, valid: verdicts.valid.length, rejected: verdicts.rejected.length });
  return { valid: verdicts.valid.length, rejected: verdicts.rejected.length, validKey };
}
