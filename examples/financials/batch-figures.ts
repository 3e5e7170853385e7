import { AttributeValue } from '@aws-sdk/client-dynamodb';
import { FinancialFigures, figuresFromItem } from './financial-figures';

/**
 * `POST /financials/batch` takes the body of a batch enricher, `{ header, records: [{ line, fields }] }`,
 * and answers `{ results }`: the figures of each record's `uuid`, in record order, null when unknown.
 */
export interface BatchFiguresAnswer {
  readonly results: (FinancialFigures | null)[];
}

/** The `uuid` of each record of a batch body, in order; a string saying what is wrong when the body is malformed. */
export function uuidsOfBatch(body: string | null): string[] | { readonly malformed: string } {
  let parsed: any;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    return { malformed: 'the body must be JSON: { header, records: [{ line, fields }] }' };
  }
  const header: unknown = parsed?.header;
  const records: unknown = parsed?.records;
  if (!Array.isArray(header) || !header.every((name) => typeof name === 'string')) {
    return { malformed: 'header must be an array of column names' };
  }
  const column = header.indexOf('uuid');
  if (column < 0) return { malformed: 'header must have a uuid column' };
  if (!Array.isArray(records)) return { malformed: 'records must be an array' };
  const uuids: string[] = [];
  for (const [index, record] of records.entries()) {
    const fields: unknown = record?.fields;
    if (!Array.isArray(fields) || typeof fields[column] !== 'string') {
      return { malformed: `records[${index}].fields must be an array of strings with a uuid` };
    }
    uuids.push(fields[column]);
  }
  return uuids;
}

/** The answer for the uuids of a batch, from the table items found by uuid. */
export function batchFigures(uuids: readonly string[], items: ReadonlyMap<string, Record<string, AttributeValue>>): BatchFiguresAnswer {
  return {
    results: uuids.map((uuid) => {
      const item = items.get(uuid);
      return item === undefined ? null : figuresFromItem(uuid, item);
    }),
  };
}
