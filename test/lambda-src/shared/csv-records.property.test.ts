/**
 * The handlers' CSV reading (csv-records.ts finds the records, csv-fields.ts splits their fields)
 * against csv-parse, the ecosystem's parser, on generated RFC 4180 files
 * (https://www.rfc-editor.org/rfc/rfc4180): quoted fields holding the delimiter, doubled quotes,
 * CR and LF; empty fields, quoted or not; non-ASCII text; other delimiters; LF and CRLF line ends,
 * mixed; a BOM; blank lines between records; a last record with or without its line end. The
 * bytes reach the scanner in arbitrary pieces, as a stream delivers them. Any disagreement on such
 * a file is a bug in the scanner. Lines are checked against the generator's own count.
 *
 * Where the dialect differs from RFC 4180 (docs/architecture.md), csv-parse is told so: blank
 * lines are skipped, not read as a record of one empty field; LF ends a record as CRLF does.
 * Fixed seed: the same files on every run.
 */
import { parse } from 'csv-parse/sync';
import * as fc from 'fast-check';
import { formatRecord, parseRecord } from '../../../lambda-src/shared/csv-fields';
import { RecordScanner } from '../../../lambda-src/shared/csv-records';

const SEED = 4180;
const DELIMITERS = [',', ';', '\t', '|', ' '];

/** Characters of field text: ASCII, a space, 2-, 3- and 4-byte UTF-8, and the ones that need quoting. */
const TEXT_CHARS = ['a', 'Z', '7', ' ', '-', 'é', '€', '😀'];
const SPECIAL_CHARS = ['"', '\r', '\n'];

interface GeneratedRecord {
  /** Each field's text and whether it is written quoted (always, when it holds a special character). */
  readonly fields: { readonly value: string; readonly quoted: boolean }[];
  /** Blank lines written before the record. */
  readonly blankLines: readonly string[];
  readonly lineEnd: string;
}

interface GeneratedFile {
  readonly delimiter: string;
  readonly bom: boolean;
  readonly records: GeneratedRecord[];
  /** Whether the last record has its line end. */
  readonly finalLineEnd: boolean;
  /** Where the bytes are cut into the pieces the scanner is pushed. */
  readonly cuts: number[];
}

const lineEnd = fc.constantFrom('\n', '\r\n');

function fieldOf(delimiter: string) {
  const char = fc.constantFrom(...TEXT_CHARS, ...SPECIAL_CHARS, delimiter);
  return fc.record({ value: fc.array(char, { maxLength: 6 }).map((chars) => chars.join('')), quoted: fc.boolean() })
    .map(({ value, quoted }) => ({ value, quoted: quoted || [...SPECIAL_CHARS, delimiter].some((c) => value.includes(c)) }));
}

/** A file of 0 to 6 records of the same number of fields (1 to 4), as RFC 4180 has them. */
function fileOf(delimiter: string, columns: number): fc.Arbitrary<GeneratedFile> {
  return fc.record({
    delimiter: fc.constant(delimiter),
    bom: fc.boolean(),
    records: fc.array(fc.record({
      fields: fc.array(fieldOf(delimiter), { minLength: columns, maxLength: columns }),
      blankLines: fc.array(lineEnd, { maxLength: 2 }),
      lineEnd,
    }), { maxLength: 6 }),
    finalLineEnd: fc.boolean(),
    cuts: fc.array(fc.nat({ max: 400 }), { maxLength: 6 }),
  });
}

const generatedFile = fc.constantFrom(...DELIMITERS)
  .chain((delimiter) => fc.integer({ min: 1, max: 4 }).chain((columns) => fileOf(delimiter, columns)));

/** The file's bytes, and the line each record that is not blank starts on. */
function written(file: GeneratedFile): { bytes: Buffer; startLines: number[] } {
  let text = '';
  let line = 1;
  const startLines: number[] = [];
  file.records.forEach((record, i) => {
    for (const blank of record.blankLines) {
      text += blank;
      line++;
    }
    const fields = record.fields.map(({ value, quoted }) => (quoted ? `"${value.replace(/"/g, '""')}"` : value));
    const recordText = fields.join(file.delimiter);
    // One unquoted empty field is a blank line.
    if (recordText !== '') startLines.push(line);
    const last = i === file.records.length - 1;
    text += recordText + (last && !file.finalLineEnd ? '' : record.lineEnd);
    line += (recordText.match(/\n/g) ?? []).length + 1;
  });
  const bytes = Buffer.from(text, 'utf8');
  return { bytes: file.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]) : bytes, startLines };
}

/** What the handlers read: records from the bytes pushed in pieces, then each record's fields. */
function scanned(bytes: Buffer, delimiter: string, cutAt: readonly number[] = []) {
  const scanner = new RecordScanner({ file: 'generated.csv', delimiter });
  const cuts = [...new Set(cutAt.filter((cut) => cut < bytes.length))].sort((a, b) => a - b);
  const records = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    records.push(...scanner.push(bytes.subarray(from, cut)));
    from = cut;
  }
  records.push(...scanner.end());
  return records.map((record) => ({ line: record.line, ...parseRecord(record.bytes, delimiter) }));
}

function csvParse(bytes: Buffer, delimiter: string): string[][] {
  return parse(bytes, { delimiter, bom: true, skip_empty_lines: true, record_delimiter: ['\r\n', '\n'] });
}

test('the scanner reads the records and fields csv-parse reads, on the lines they start on', () => {
  fc.assert(fc.property(generatedFile, (file) => {
    const { bytes, startLines } = written(file);
    const ours = scanned(bytes, file.delimiter, file.cuts);
    expect(ours.map((record) => record.fields)).toEqual(csvParse(bytes, file.delimiter));
    expect(ours.map((record) => record.line)).toEqual(startLines);
    expect(ours.every((record) => !record.invalidUtf8)).toBe(true);
  }), { seed: SEED, numRuns: 1_500 });
});

test('what the handlers write is read back, by csv-parse and by the scanner, as the same fields', () => {
  const fields = fc.constantFrom(...DELIMITERS).chain((delimiter) => fc.record({
    delimiter: fc.constant(delimiter),
    fields: fc.array(fieldOf(delimiter).map((field) => field.value), { minLength: 1, maxLength: 4 }),
  }));
  fc.assert(fc.property(fields, ({ delimiter, fields: values }) => {
    const line = Buffer.from(`${formatRecord(values, delimiter)}\r\n`);
    expect(csvParse(line, delimiter)).toEqual([values]);
    expect(scanned(line, delimiter).map((record) => record.fields)).toEqual([values]);
  }), { seed: SEED, numRuns: 1_000 });
});
