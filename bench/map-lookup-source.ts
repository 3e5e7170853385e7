import { EnrichmentSource, Lookup, ValidRecord, noDataReason } from '../lambda-src/enrich/lookup';
import { parseRecord } from '../lambda-src/shared/csv-fields';
import { csvRecordsOf } from '../lambda-src/shared/csv-records';

/**
 * An enrichment source over a Map held in memory, keyed by one column: the record path's stand-in
 * for the table or endpoint, so that it measures our code and not a service.
 */
export class MapLookupSource implements EnrichmentSource {
  /** Builds the map from CSV text (with a header) whose `keyColumn` is the key. */
  static fromCsv(csv: string, keyColumn: string, delimiter = ','): MapLookupSource {
    const [header, ...rows] = csvRecordsOf(csv, { file: 'lookup', delimiter }).map((record) => parseRecord(record.bytes, delimiter).fields);
    const key = header.indexOf(keyColumn);
    if (key < 0) throw new Error(`the lookup CSV has no "${keyColumn}" column`);
    const values = new Map<string, Record<string, string>>();
    for (const fields of rows) values.set(fields[key], Object.fromEntries(header.map((column, i) => [column, fields[i]])));
    return new MapLookupSource(keyColumn, values);
  }

  readonly keyColumns: string[];
  readonly answerKeys: string[];
  readonly columnOrder = 'answer' as const;

  constructor(keyColumn: string, private readonly values: ReadonlyMap<string, Readonly<Record<string, string>>>) {
    this.keyColumns = [keyColumn];
    this.answerKeys = [keyColumn];
  }

  get size(): number {
    return this.values.size;
  }

  async lookup(header: readonly string[], records: readonly ValidRecord[]): Promise<Lookup[]> {
    const column = header.indexOf(this.keyColumns[0]);
    return records.map((record) => {
      const values = this.values.get(record.fields[column]);
      return values ? { values } : { reason: noDataReason(this.keyColumns, header, record.fields) };
    });
  }
}
