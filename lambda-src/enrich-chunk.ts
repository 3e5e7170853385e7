import { InvocationClock, lookupDeadline } from './enrich/deadline';
import { enrichmentOf } from './enrich/enrich-config';
import { enrichRecords } from './enrich/enrich-records';
import { validatedRecordsOf } from './enrich/validated-records';
import { log } from './shared/logger';
import { readJson, readText, toJsonLines, writeText } from './shared/s3-objects';
import { ENRICH_CHUNK_ENVIRONMENT } from '../src/contract/handler-environment';
import { WorkFiles } from '../src/contract/run-layout';
import { EnrichTask, EnrichmentResult, RunPlan } from '../src/contract/run-payloads';

/**
 * Enriches one chunk's validated records and writes the processed chunk (header with the
 * appended columns, then the enriched records) and the records the source had no data for.
 * Both files are written on every run, so a retried chunk overwrites what a failed try left.
 *
 * The lookups stop retrying, and give up what is in flight, before the function's own timeout
 * (less the time to write the files): the chunk then fails with EnrichmentUnavailable, which the
 * chunk processor records, instead of the function being cut off.
 */
export async function handler(task: EnrichTask, context?: InvocationClock): Promise<EnrichmentResult> {
  const { bucket, workPrefix, enricher } = ENRICH_CHUNK_ENVIRONMENT.decode(process.env);
  const { source, fields } = enrichmentOf(enricher, { deadline: lookupDeadline(context) });
  const work = new WorkFiles(workPrefix, task.runId);
  const plan = await readJson<RunPlan>({ bucket, key: work.runPlanKey });
  // validate-chunk always writes this object: a missing one is an error, not an empty chunk.
  const records = validatedRecordsOf(await readText({ bucket, key: task.validKey }), plan.delimiter);

  const chunk = await enrichRecords(source, plan.header, records, { delimiter: plan.delimiter, fields });

  const processedKey = work.processedKey(task.chunk.index);
  await writeText({ bucket, key: work.enrichmentRejectsKey(task.chunk.index) }, toJsonLines(chunk.rejects), 'application/x-ndjson');
  await writeText({ bucket, key: processedKey }, chunk.csv, 'text/csv; charset=utf-8');
  log.info('chunk enriched', { runId: task.runId, chunk: task.chunk.index, enriched: chunk.enriched, rejected: chunk.rejects.length });
  return { enriched: chunk.enriched, rejected: chunk.rejects.length, processedKey };
}
