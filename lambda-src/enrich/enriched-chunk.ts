import { Lookup } from './lookup';
import { ValidatedRecord } from './validated-records';
import { RejectedRecord } from '../../src/contract/run-payloads';
import { formatField, formatRecord } from '../shared/csv-fields';

/** A chunk after enrichment: the processed chunk's CSV and the records without data. */
export interface EnrichedChunk {
  /** The processed chunk's columns: the input's, then the appended ones. */
  readonly header: string[];
  /** The processed chunk: the header line, then one line per enriched record, each terminated by LF. */
  readonly csv: string;
  /** How many records `csv` holds. */
  readonly enriched: number;
  readonly rejects: RejectedRecord[];
}

/** How an answered value is written to a CSV cell: text as is, nothing for null, JSON for structures. */
export function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/**
 * The record's fields as a CSV line. Text without a quote splits into fields that hold no
 * delimiter, quote or LF, so unless it holds a CR formatting them would write it back unchanged:
 * it is reused as it is.
 */
function recordLine(record: ValidatedRecord, delimiter: string): string {
  const { text } = record;
  return text.includes('"') || text.includes('\r') ? formatRecord(record.fields, delimiter) : text;
}

/** Appends the chosen columns' values to each record that has data; the others become rejects. */
export function assembleChunk(
  header: readonly string[],
  records: readonly ValidatedRecord[],
  lookups: readonly Lookup[],
  columns: readonly string[],
  delimiter: string,
): EnrichedChunk {
  if (lookups.length !== records.length) {
    throw new Error(`enrichment answered ${lookups.length} lookups for ${records.length} records`);
  }
  const processedHeader = [...header, ...columns];
  // One string per line, joined once: this runs for every record.
  const lines: string[] = [formatRecord(processedHeader, delimiter) + '\n'];
  const rejects: RejectedRecord[] = [];
  records.forEach((record, index) => {
    const lookup = lookups[index];
    if ('values' in lookup) {
      let line = recordLine(record, delimiter);
      for (const column of columns) line += delimiter + formatField(cellText(lookup.values[column]), delimiter);
      lines.push(line + '\n');
    } else {
      rejects.push({ line: record.line, fields: record.fields, reasons: [lookup.reason] });
    }
  });
  return { header: processedHeader, csv: lines.join(''), enriched: lines.length - 1, rejects };
}
