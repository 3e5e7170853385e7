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
    const [header, ...records] = csvRecordsOf(csv, { file: 'lookup', delimiter });
    const columns = parseRecord(header.bytes, delimiter).fields;
    const key = columns.indexOf(keyColumn);
    if (key < 0) throw new Error(`the lookup CSV has no "${keyColumn}" column`);
    // Each row is kept as its bytes and parsed when looked up, as a remote source's answer would
    // be: a million small objects held for the whole run would make every GC of the measured
    // path walk them, a cost the pipeline does not have.
    const rows = new Map<string, Buffer>();
    for (const record of records) rows.set(parseRecord(record.bytes, delimiter).fields[key], record.bytes);
    return new MapLookupSource(keyColumn, columns, rows, delimiter);
  }

  readonly keyColumns: string[];
  readonly answerKeys: string[];
  readonly columnOrder = 'answer' as const;

  constructor(
    keyColumn: string,
    private readonly columns: readonly string[],
    private readonly rows: ReadonlyMap<string, Buffer>,
    private readonly delimiter: string,
  ) {
    this.keyColumns = [keyColumn];
    this.answerKeys = [keyColumn];
  }

  get size(): number {
    return this.rows.size;
  }

  async lookup(header: readonly string[], records: readonly ValidRecord[]): Promise<Lookup[]> {
    const column = header.indexOf(this.keyColumns[0]);
    return records.map((record) => {
      const row = this.rows.get(record.fields[column]);
      if (!row) return { reason: noDataReason(this.keyColumns, header, record.fields) };
      const fields = parseRecord(row, this.delimiter).fields;
      const values: Record<string, string> = {};
      this.columns.forEach((name, i) => { values[name] = fields[i]; });
      return { values };
    });
  }
}
