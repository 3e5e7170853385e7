import { Lookup, ValidRecord } from './lookup';
import { RejectedRecord } from '../shared/contracts';

/** A chunk after enrichment: the processed CSV rows (header first) and the records without data. */
export interface EnrichedChunk {
  readonly header: string[];
  readonly rows: string[][];
  readonly rejects: RejectedRecord[];
}

/** How an answered value is written to a CSV cell: text as is, nothing for null, JSON for structures. */
export function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/** Appends the chosen columns' values to each record that has data; the others become rejects. */
export function assembleChunk(
  header: readonly string[],
  records: readonly ValidRecord[],
  lookups: readonly Lookup[],
  columns: readonly string[],
): EnrichedChunk {
  if (lookups.length !== records.length) {
    throw new Error(`enrichment answered ${lookups.length} lookups for ${records.length} records`);
  }
  const rows: string[][] = [];
  const rejects: RejectedRecord[] = [];
  records.forEach((record, index) => {
    const lookup = lookups[index];
    if ('values' in lookup) {
      rows.push([...record.fields, ...columns.map((column) => cellText(lookup.values[column]))]);
    } else {
      rejects.push({ line: record.line, fields: record.fields, reasons: [lookup.reason] });
    }
  });
  return { header: [...header, ...columns], rows, rejects };
}
