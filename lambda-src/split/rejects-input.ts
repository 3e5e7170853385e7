/**
 * A rejects file given back: an operator opens a run's `orders.rejects.csv`, corrects some rows and
 * uploads it under the input prefix as it is, with its `line` and `reasons` columns. Such a file is
 * recognised by its name AND its header: the name ends with `.rejects.csv` (or `.rejects.csv.gz`),
 * as the processor names the rejects files it publishes, and the header's first column is `line` and
 * its last `reasons`, as the processor writes them. Object metadata cannot tell: a file downloaded
 * and uploaded again has none. A file with that header under another name is data like any other,
 * and keeps every column.
 *
 * Its records are the data between those two columns, each named by the line it had in the original
 * input (the `line` column), so the new run's rejects name the lines of the original file. The data
 * is the record's own bytes between the first and the last delimiter outside quotes, unchanged, so
 * invalid UTF-8 is still rejected by validation as in any input.
 */
import { CsvRecord } from '../shared/csv-records';
import { InputFormatError } from '../shared/errors';

/** The suffix of the rejects files the processor publishes (lambda-src/shared/run-layout.ts). */
export const REJECTS_FILE_SUFFIX = '.rejects.csv';
export const LINE_COLUMN = 'line';
export const REASONS_COLUMN = 'reasons';

/** Whether an upload named `fileName` (its gzip suffix removed) with this header is a rejects file given back. */
export function isRejectsFile(fileName: string, header: readonly string[]): boolean {
  return fileName.toLowerCase().endsWith(REJECTS_FILE_SUFFIX)
    && header.length >= 3 && header[0] === LINE_COLUMN && header[header.length - 1] === REASONS_COLUMN;
}

/** The data columns of a rejects file's header: the original input's header. */
export function dataColumns(header: readonly string[]): string[] {
  return header.slice(1, -1);
}

const QUOTE = 0x22;
const NEWLINE = Buffer.from('\n');

/** Byte offsets of the delimiters outside quotes in a record's bytes. */
function delimiterOffsets(bytes: Buffer, delimiter: number): number[] {
  const offsets: number[] = [];
  let quoted = false;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === QUOTE) quoted = !quoted;
    else if (!quoted && bytes[i] === delimiter) offsets.push(i);
  }
  return offsets;
}

/**
 * A rejects file's record as a data record: its bytes between the `line` and `reasons` fields, its
 * line the original input's. Throws `InputFormatError` naming the uploaded file's line when the row
 * has no `line` and `reasons` around its data or its line is not a line of a file.
 */
export function dataRecordOf(record: CsvRecord, file: string, delimiter: string): CsvRecord {
  const offsets = delimiterOffsets(record.bytes, delimiter.charCodeAt(0));
  if (offsets.length < 2) {
    throw new InputFormatError(file, record.line, `a row of a rejects file needs its ${LINE_COLUMN} and ${REASONS_COLUMN} fields around the record's fields`);
  }
  const lineField = record.bytes.subarray(0, offsets[0]).toString('utf8').replace(/^"(.*)"$/s, '$1').trim();
  const line = Number(lineField);
  if (!/^\d+$/.test(lineField) || !Number.isSafeInteger(line) || line < 2) {
    throw new InputFormatError(file, record.line,
      `the ${LINE_COLUMN} column of a rejects file must hold the record's line in the original input (2 or more), got ${JSON.stringify(lineField.slice(0, 20))}`);
  }
  const bytes = record.bytes.subarray(offsets[0] + 1, offsets[offsets.length - 1]);
  return { line, bytes, raw: Buffer.concat([bytes, NEWLINE]), rawStart: 0 };
}
