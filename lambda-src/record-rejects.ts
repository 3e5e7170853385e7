/**
 * record-rejects: `ChunkTask` → `RecordRejectsResult`. Stores the chunk's rejects (validation and
 * enrichment) in the rejected-records table, one item per input line.
 *
 * The chunk processor runs it only after the chunk's earlier steps succeeded, and each of them always
 * writes its rejects file, empty or not: validate-chunk's always exists, enrich-chunk's exactly when
 * enrichment is configured (`enrichment`, as validate-chunk is told). Neither is probed: a missing one
 * is an error (S3 would answer a read of it 403, not 404, to a role that may not list the bucket).
 */
import { putItems } from './rejects/batch-writer';
import { expiryOf, rejectItem } from './rejects/reject-items';
import { mergeRejectsByLine } from './rejects/rejects-by-line';
import { log } from './shared/logger';
import { readJsonLinesArray } from './shared/s3-objects';
import { RECORD_REJECTS_ENVIRONMENT } from '../src/contract/handler-environment';
import { WorkFiles } from '../src/contract/run-layout';
import { ChunkTask, RecordRejectsResult, RejectedRecord } from '../src/contract/run-payloads';

export async function handler(task: ChunkTask): Promise<RecordRejectsResult> {
  const { bucket, workPrefix, table, retentionDays, enrichment } = RECORD_REJECTS_ENVIRONMENT.decode(process.env);
  const expiresAt = expiryOf(new Date(), retentionDays);
  const work = new WorkFiles(workPrefix, task.runId);
  const index = task.chunk.index;
  const [validation, enriched] = await Promise.all([
    readJsonLinesArray<RejectedRecord>({ bucket, key: work.validationRejectsKey(index) }),
    enrichment ? readJsonLinesArray<RejectedRecord>({ bucket, key: work.enrichmentRejectsKey(index) }) : [],
  ]);
  const rejects = mergeRejectsByLine(validation, enriched);
  await putItems(table, rejects.map((reject) => rejectItem(task.runId, index, reject, expiresAt)));
  log.info('rejects recorded', { runId: task.runId, chunk: index, stored: rejects.length });
  return { stored: rejects.length };
}
