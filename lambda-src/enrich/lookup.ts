/**
 * What an enrichment source answers for one record: the values to append, or why there are
 * none (the record is then rejected, not the chunk).
 */
export type Lookup =
  | { readonly values: Readonly<Record<string, unknown>> }
  | { readonly reason: string };

/** A validated record awaiting enrichment, as an enrichment source sees it. */
export interface ValidRecord {
  readonly line: number;
  readonly fields: string[];
}

/** An enrichment source: HTTP endpoint, Lambda function or DynamoDB table. */
export interface EnrichmentSource {
  /**
   * The columns that identify a record to the source. They name the record in reject reasons and
   * are left out of the appended columns when those are taken from the answer.
   */
  readonly keyColumns: readonly string[];
  /** Names in the answer that repeat the key (e.g. the table's key attribute), left out of the appended columns too. */
  readonly answerKeys: readonly string[];
  /** How appended columns are ordered when taken from the answer (the enricher names no fields). */
  readonly columnOrder: 'answer' | 'name';
  /** One lookup per record, in record order. Throws `EnrichmentUnavailable` when the source keeps failing. */
  lookup(header: readonly string[], records: readonly ValidRecord[]): Promise<Lookup[]>;
}

/** How a reject reason names a record to the source, e.g. `uuid=123456789`. */
export function recordKey(keyColumns: readonly string[], header: readonly string[], fields: readonly string[]): string {
  return keyColumns.map((column) => `${column}=${fields[header.indexOf(column)] ?? ''}`).join(', ');
}

/** The reject reason of a record the source has no data for, e.g. `no enrichment data for uuid=123456789`. */
export function noDataReason(keyColumns: readonly string[], header: readonly string[], fields: readonly string[]): string {
  return keyColumns.length === 0 ? 'no enrichment data' : `no enrichment data for ${recordKey(keyColumns, header, fields)}`;
}
