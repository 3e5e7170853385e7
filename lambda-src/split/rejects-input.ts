/**
 * A rejects file given back: an operator opens a run's `orders.rejects.csv`, corrects some rows and
 * uploads it under the input prefix as it is, with its `line` and `reasons` columns. Such a file is
 * recognised by its name AND its header: the name ends with `.rejects.csv` (or `.rejects.csv.gz`),
 * as the processor names the rejects files it publishes (src/contract/run-layout.ts), and the
 * header's first column is `line` and its last `reasons`, as the processor writes them
 * (lambda-src/shared/rejects-file.ts). Object metadata cannot tell: a file downloaded and uploaded
 * again has none. A file with that header under another name, or with that name and another header,
 * is data like any other and keeps every column.
 *
 * Its records are the data between those two columns, each named by the line it had in the original
 * input (the `line` column), so the new run's rejects name the lines of the original file. The data
 * is the record's own bytes between its first and its last delimiter, unchanged, so invalid UTF-8
 * is still rejected by validation as in any input.
 */
import { isRejectsFileName } from '../../src/contract/run-layout';
import { parseRecord } from '../shared/csv-fields';
import { CsvRecord } from '../shared/csv-records';
import { InputFormatError } from '../shared/errors';
import { isRejectsHeader, LINE_COLUMN, REASONS_COLUMN } from '../shared/rejects-file';

/** Whether an upload named `file` (a key or a file name) with this header is a rejects file given back. */
export function isRejectsFile(file: string, header: readonly string[]): boolean {
  return isRejectsFileName(file) && isRejectsHeader(header);
}

const QUOTE = 0x22;
const NEWLINE = Buffer.from('\n');

/**
 * Offsets of the delimiters between a record's fields, read as csv-fields' `splitFields` reads
 * them: a `"` opens a quoted field only as a field's first byte, `""` inside is a quote, the next
 * single `"` closes it; any other `"` is an ordinary byte.
 */
function delimiterOffsets(bytes: Buffer, delimiter: number): number[] {
  const offsets: number[] = [];
  let p = 0;
  for (;;) {
    if (bytes[p] === QUOTE) {
      p++;
      for (;;) {
        const quote = bytes.indexOf(QUOTE, p);
        if (quote === -1) return offsets;
        p = quote + 1;
        if (bytes[p] !== QUOTE) break;
        p++;
      }
    }
    const next = bytes.indexOf(delimiter, p);
    if (next === -1) return offsets;
    offsets.push(next);
    p = next + 1;
  }
}

/** The bytes between a record's first and last delimiter, as a record of their own. */
function between(bytes: Buffer, offsets: number[], line: number): CsvRecord {
  const data = bytes.subarray(offsets[0] + 1, offsets[offsets.length - 1]);
  return { line, bytes: data, raw: Buffer.concat([data, NEWLINE]), rawStart: 0 };
}

/**
 * The records of a rejects file given back, in file order, as the original input's: the header
 * without `line` and `reasons`, each row's data named by its original line. The rows must keep the
 * order the processor wrote them in, by ascending line, each line once: a record's line is its key
 * among the run's rejects (the rejected-records table's sort key), so two rows of one line would
 * be one rejected record.
 */
export class RejectsFileRows {
  private lastLine = 1;

  constructor(private readonly file: string, private readonly delimiter: string) {}

  /** The header record as the original input's: its bytes between `line` and `reasons`. */
  header(record: CsvRecord): CsvRecord {
    return between(record.bytes, delimiterOffsets(record.bytes, this.delimiter.charCodeAt(0)), record.line);
  }

  /**
   * A row as the original record: its bytes between the `line` and `reasons` fields, its line the
   * `line` field. Throws `InputFormatError` naming the uploaded file's line when the row has no
   * `line` and `reasons` around its data, or its line is not a line of a file or not after the
   * previous row's.
   */
  record(record: CsvRecord): CsvRecord {
    const offsets = delimiterOffsets(record.bytes, this.delimiter.charCodeAt(0));
    const fail = (reason: string) => new InputFormatError(this.file, record.line, reason);
    if (offsets.length < 2) {
      throw fail(`a row of a rejects file needs its ${LINE_COLUMN} and ${REASONS_COLUMN} fields around the record's fields`);
    }
    const lineField = parseRecord(record.bytes.subarray(0, offsets[0]), this.delimiter).fields[0].trim();
    const line = Number(lineField);
    if (!/^\d+$/.test(lineField) || !Number.isSafeInteger(line) || line < 2) {
      throw fail(`the ${LINE_COLUMN} column of a rejects file must hold the record's line in the original input (2 or more), got ${JSON.stringify(lineField.slice(0, 20))}`);
    }
    if (line <= this.lastLine) {
      throw fail(`the rows of a rejects file must keep the order of their lines in the original input, each line once: line ${line} comes after line ${this.lastLine}`);
    }
    this.lastLine = line;
    return between(record.bytes, offsets, line);
  }
}
