import { EnrichmentSource, Lookup, ValidRecord, noDataReason } from '../lambda-src/enrich/lookup';
import { parseRecord } from '../lambda-src/shared/csv-fields';
import { csvRecordsOf } from '../lambda-src/shared/csv-records';

// A hash table is bit arithmetic.
/* eslint-disable no-bitwise */
/** FNV-1a over a string's UTF-16 code units. */
function hashOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/**
 * The lookup table as a few flat buffers: every row's bytes one after another, every key's
 * bytes one after another, and an open-addressing hash index of row numbers. A million rows are
 * then a handful of objects instead of a million keys and rows, which every major GC of the
 * measured path would otherwise walk, a cost the pipeline (whose source is remote) does not have.
 */
class PackedTable {
  private readonly rows: Buffer;
  /** Where row i ends in `rows` (and row i + 1 starts). */
  private readonly rowEnds: Float64Array;
  private readonly keys: Buffer;
  private readonly keyEnds: Float64Array;
  /** Row number + 1 per slot, 0 for an empty slot; a power of two at least twice the rows. */
  private readonly slots: Int32Array;
  readonly size: number;

  constructor(rows: readonly Buffer[], keys: readonly string[]) {
    this.rows = Buffer.concat(rows);
    this.rowEnds = Float64Array.from(ends(rows.map((row) => row.length)));
    const keyBytes = keys.map((key) => Buffer.from(key, 'utf8'));
    this.keys = Buffer.concat(keyBytes);
    this.keyEnds = Float64Array.from(ends(keyBytes.map((key) => key.length)));
    this.slots = new Int32Array(2 ** Math.ceil(Math.log2(Math.max(2, rows.length * 2))));
    let size = 0;
    keys.forEach((key, row) => {
      // A repeated key answers with its last row.
      const slot = this.slotOf(key);
      if (this.slots[slot] === 0) size++;
      this.slots[slot] = row + 1;
    });
    this.size = size;
  }

  /** The row's bytes for the key, if any. */
  get(key: string): Buffer | undefined {
    const row = this.slots[this.slotOf(key)] - 1;
    return row < 0 ? undefined : this.rows.subarray(startOf(this.rowEnds, row), this.rowEnds[row]);
  }

  /** The slot holding the key, or the empty slot where it would go. */
  private slotOf(key: string): number {
    const mask = this.slots.length - 1;
    for (let slot = hashOf(key) & mask; ; slot = (slot + 1) & mask) {
      const row = this.slots[slot] - 1;
      if (row < 0 || this.keyIs(row, key)) return slot;
    }
  }

  /** Whether row's key is `key`; compared byte to char while both are ASCII, decoded only when not. */
  private keyIs(row: number, key: string): boolean {
    const start = startOf(this.keyEnds, row);
    const end = this.keyEnds[row];
    if (end - start === key.length) {
      let i = 0;
      for (; i < key.length; i++) {
        const code = key.charCodeAt(i);
        if (code > 0x7f || this.keys[start + i] !== code) break;
      }
      if (i === key.length) return true;
      // Up to i both are the same ASCII, so an ASCII char that differs means different keys.
      if (key.charCodeAt(i) <= 0x7f) return false;
    }
    return this.keys.toString('utf8', start, end) === key;
  }
}

/* eslint-enable no-bitwise */

function ends(lengths: readonly number[]): number[] {
  let end = 0;
  return lengths.map((length) => (end += length));
}

const startOf = (rowEnds: Float64Array, i: number) => (i === 0 ? 0 : rowEnds[i - 1]);

/**
 * An enrichment source over a table held in memory, keyed by one column: the record path's
 * stand-in for the table or endpoint, so that it measures our code and not a service.
 */
export class MapLookupSource implements EnrichmentSource {
  /** Builds the table from CSV (with a header) whose `keyColumn` is the key. */
  static fromCsv(csv: string | Buffer, keyColumn: string, delimiter = ','): MapLookupSource {
    const [header, ...records] = csvRecordsOf(csv, { file: 'lookup', delimiter });
    const columns = parseRecord(header.bytes, delimiter).fields;
    const key = columns.indexOf(keyColumn);
    if (key < 0) throw new Error(`the lookup CSV has no "${keyColumn}" column`);
    // Each row is kept as its bytes and parsed when looked up, as a remote source's answer would be.
    const rows = records.map((record) => record.bytes);
    const keys = rows.map((row) => parseRecord(row, delimiter).fields[key]);
    return new MapLookupSource(keyColumn, columns, new PackedTable(rows, keys), delimiter);
  }

  readonly keyColumns: string[];
  readonly answerKeys: string[];
  readonly columnOrder = 'answer' as const;

  private constructor(
    keyColumn: string,
    private readonly columns: readonly string[],
    private readonly table: PackedTable,
    private readonly delimiter: string,
  ) {
    this.keyColumns = [keyColumn];
    this.answerKeys = [keyColumn];
  }

  get size(): number {
    return this.table.size;
  }

  async lookup(header: readonly string[], records: readonly ValidRecord[]): Promise<Lookup[]> {
    const column = header.indexOf(this.keyColumns[0]);
    return records.map((record) => {
      const row = this.table.get(record.fields[column]);
      if (!row) return { reason: noDataReason(this.keyColumns, header, record.fields) };
      const fields = parseRecord(row, this.delimiter).fields;
      const values: Record<string, string> = {};
      this.columns.forEach((name, i) => { values[name] = fields[i]; });
      return { values };
    });
  }
}
