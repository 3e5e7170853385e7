import { EnrichedChunk, assembleChunk } from './enriched-chunk';
import { selectColumns } from './enriched-columns';
import { EnrichmentSource } from './lookup';
import { ValidatedRecord } from './validated-records';

export interface EnrichOptions {
  /** The CSV delimiter of the processed chunk. */
  readonly delimiter: string;
  /** The enricher's fields: the columns to append. @default - the answer's names */
  readonly fields?: readonly string[];
}

/**
 * Enriches a chunk's records from a source. Appended columns are the enricher's fields when given, else
 * the answer's names without the key and without names the header already has (a repeated
 * column name would make the output's header ambiguous).
 */
export async function enrichRecords(
  source: EnrichmentSource,
  header: readonly string[],
  records: readonly ValidatedRecord[],
  options: EnrichOptions,
): Promise<EnrichedChunk> {
  const lookups = records.length === 0 ? [] : await source.lookup(header, records);
  const columns = selectColumns(lookups, { fields: options.fields, exclude: [...source.answerKeys, ...header], order: source.columnOrder });
  return assembleChunk(header, records, lookups, columns, options.delimiter);
}
