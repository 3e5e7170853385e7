import { EnrichedChunk, assembleChunk } from './enriched-chunk';
import { selectColumns } from './enriched-columns';
import { EnrichmentSource, ValidRecord } from './lookup';

/**
 * Enriches a chunk's records from a source. Appended columns are ENRICH_FIELDS when given, else
 * the answer's names without the key and without names the header already has (a repeated
 * column name would make the output's header ambiguous).
 */
export async function enrichRecords(
  source: EnrichmentSource,
  header: readonly string[],
  records: readonly ValidRecord[],
  fields?: readonly string[],
): Promise<EnrichedChunk> {
  const lookups = records.length === 0 ? [] : await source.lookup(header, records);
  const columns = selectColumns(lookups, { fields, exclude: [...source.answerKeys, ...header], order: source.columnOrder });
  return assembleChunk(header, records, lookups, columns);
}
