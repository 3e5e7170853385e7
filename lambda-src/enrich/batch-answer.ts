import { Lookup, ValidRecord, noDataReason } from './lookup';

/**
 * The exchange with a batch enricher (a Lambda function or an HTTP endpoint that takes many
 * records at once): `{ header, records: [{ line, fields }] }` → `{ results }`, one result per
 * record, in order, holding the values to append by column name, or null for "no data".
 */
export interface BatchRequest {
  readonly header: readonly string[];
  readonly records: readonly ValidRecord[];
}

export type BatchResult = Readonly<Record<string, unknown>> | null;

/** The records in batches of at most `size`, in order. */
export function splitIntoBatches<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}

/** The request body for one batch: only `line` and `fields` of each record are sent. */
export function batchRequest(header: readonly string[], batch: readonly ValidRecord[]): BatchRequest {
  return { header, records: batch.map(({ line, fields }) => ({ line, fields })) };
}

/**
 * The results of an answer, or undefined unless it is `{ results }` with exactly one entry
 * (an object or null) per record sent.
 */
export function parseBatchAnswer(text: string, records: number): BatchResult[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return batchResultsOf(parsed, records);
}

/** {@link parseBatchAnswer} of an answer already parsed from JSON. */
export function batchResultsOf(answer: unknown, records: number): BatchResult[] | undefined {
  const results: unknown = (answer as { results?: unknown } | null)?.results;
  if (!Array.isArray(results) || results.length !== records) return undefined;
  const valid = results.every((result: unknown) => result === null || (typeof result === 'object' && !Array.isArray(result)));
  return valid ? results : undefined;
}

/** The lookups of a batch source's results: values, or the no-data reason for null. */
export function batchLookups(results: readonly BatchResult[], header: readonly string[]): Lookup[] {
  return results.map((values) => (values === null ? { reason: noDataReason([], header, []) } : { values }));
}
