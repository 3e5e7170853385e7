/**
 * Finds CSV record boundaries in a byte stream without decoding it.
 *
 * This is the hot path of every run: split-input scans the whole upload with it, and every later
 * step scans its chunk. So it works on raw bytes, jumps between quotes and line feeds with
 * `indexOf` (which is vectorised), and hands out views into the input buffers instead of copies;
 * only a record that straddles two input buffers is copied.
 *
 * Dialect (docs/architecture.md): `"` opens a quoted field at the start of a field, `""` inside
 * one is a literal quote, a quoted field may hold the delimiter, CR and LF. A quote anywhere else
 * is an ordinary byte. Records end at LF or CRLF outside quotes. A UTF-8 BOM at the start is
 * dropped. Blank lines are skipped but counted, so `line` is the physical input line.
 */
import { InputFormatError } from './errors';
import { CSV_DELIMITER, isCsvDelimiter } from '../../src/contract/handler-environment';

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const EMPTY = Buffer.alloc(0);

/**
 * Past this a record is refused rather than buffered. The limit is far above any record that a
 * schema would accept, so that a large but well-formed record reaches validation and is rejected
 * there with a reason, while the run goes on; a run that hits it almost always has a stray quote
 * that swallows the rest of the file, and stops naming the line where that quote opened.
 */
export const DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;

export interface CsvRecord {
  /** Physical 1-based input line where the record starts. */
  readonly line: number;
  /** The record's bytes without its line terminator. */
  readonly bytes: Buffer;
  /**
   * The input bytes from the end of the previous record through this record's terminator: the
   * blank lines skipped before it, the record, then LF or CRLF (none at the end of the input).
   * Concatenating `raw` of consecutive records reproduces the input between them exactly.
   */
  readonly raw: Buffer;
  /** Where the record itself starts in `raw`, after the skipped blank lines. */
  readonly rawStart: number;
}

/** The record and its terminator, without the blank lines before it. */
export function recordWithTerminator(record: CsvRecord): Buffer {
  return record.rawStart === 0 ? record.raw : record.raw.subarray(record.rawStart);
}

export interface ScanOptions {
  /** Named in errors, e.g. the input key. */
  readonly file: string;
  /** One single-byte character. @default ',' */
  readonly delimiter?: string;
  /** @default DEFAULT_MAX_RECORD_BYTES */
  readonly maxRecordBytes?: number;
}

/** The byte value of a delimiter the construct allows (one ASCII character); anything else is a configuration error. */
export function delimiterByte(delimiter: string): number {
  if (!isCsvDelimiter(delimiter)) throw new Error(`the delimiter must be ${CSV_DELIMITER.expected}, got ${JSON.stringify(delimiter)}`);
  return delimiter.charCodeAt(0);
}

const enum State { Unquoted, Quoted, QuoteInQuoted }

/**
 * Push-based scanner: feed input buffers in order with `push`, then call `end`. Each call returns
 * the records completed by that input. Positions are absolute offsets in the input after the BOM.
 */
export class RecordScanner {
  private readonly file: string;
  private readonly delimiter: number;
  private readonly maxRecordBytes: number;

  private state = State.Unquoted;
  /** Physical line at the scan position. */
  private line = 1;
  /** Line where the current record starts, and where the open quoted field started. */
  private recordLine = 1;
  private quoteLine = 1;
  /** Absolute offsets: end of the previous record (start of `raw`) and start of the current record. */
  private segmentStart = 0;
  private recordStart = 0;
  /** Absolute offset of the first byte of the buffer being scanned. */
  private base = 0;
  private lastByte = -1;
  /** Bytes of an unfinished segment from earlier buffers. */
  private carry: Buffer[] = [];
  private carryBytes = 0;
  /** The first bytes, held until it is known whether they are a BOM. */
  private head: Buffer | undefined = EMPTY;

  constructor(options: ScanOptions) {
    this.file = options.file;
    this.delimiter = delimiterByte(options.delimiter ?? ',');
    this.maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  }

  push(input: Uint8Array): CsvRecord[] {
    let buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    if (this.head !== undefined) {
      const head = this.head.length === 0 ? buf : Buffer.concat([this.head, buf]);
      if (head.length < BOM.length && BOM.subarray(0, head.length).equals(head)) {
        this.head = head;
        return [];
      }
      this.head = undefined;
      buf = head.subarray(0, BOM.length).equals(BOM) ? head.subarray(BOM.length) : head;
    }
    const records: CsvRecord[] = [];
    this.scan(buf, records);
    return records;
  }

  /** Finishes the input: returns its last record if it has no terminator; throws on an open quote. */
  end(): CsvRecord[] {
    if (this.head !== undefined && this.head.length > 0) {
      const head = this.head;
      this.head = undefined;
      const records: CsvRecord[] = [];
      // Fewer bytes than a BOM that began like one: they are data.
      this.scan(head, records);
      return records.concat(this.end());
    }
    if (this.state === State.Quoted) {
      throw new InputFormatError(this.file, this.quoteLine, 'unterminated quoted field');
    }
    const end = this.base;
    if (this.recordStart >= end) return [];
    const raw = this.takeSegment(EMPTY, 0);
    const rawStart = this.recordStart - this.segmentStart;
    let contentEnd = raw.length;
    if (raw[contentEnd - 1] === CR) contentEnd--;
    if (contentEnd === rawStart) return [];
    return [{ line: this.recordLine, bytes: raw.subarray(rawStart, contentEnd), raw, rawStart }];
  }

  private scan(buf: Buffer, records: CsvRecord[]): void {
    const len = buf.length;
    const base = this.base;
    let p = 0;
    let nextLF = buf.indexOf(LF, 0);
    let nextQuote = buf.indexOf(QUOTE, 0);
    while (p < len) {
      if (this.state === State.Quoted) {
        // Line feeds inside a quoted field belong to the record but still count as lines.
        const stop = nextQuote === -1 ? len : nextQuote;
        while (nextLF !== -1 && nextLF < stop) {
          this.line++;
          nextLF = buf.indexOf(LF, nextLF + 1);
        }
        if (nextQuote === -1) break;
        p = nextQuote + 1;
        nextQuote = buf.indexOf(QUOTE, p);
        this.state = State.QuoteInQuoted;
        continue;
      }
      if (this.state === State.QuoteInQuoted) {
        if (buf[p] === QUOTE) {
          this.state = State.Quoted;
          p++;
          nextQuote = buf.indexOf(QUOTE, p);
          continue;
        }
        this.state = State.Unquoted;
      }
      if (nextQuote !== -1 && (nextLF === -1 || nextQuote < nextLF)) {
        const before = nextQuote > 0 ? buf[nextQuote - 1] : this.lastByte;
        if (base + nextQuote === this.recordStart || before === this.delimiter) {
          this.state = State.Quoted;
          this.quoteLine = this.line;
        }
        p = nextQuote + 1;
        nextQuote = buf.indexOf(QUOTE, p);
        continue;
      }
      if (nextLF === -1) break;
      this.endRecord(buf, nextLF, records);
      p = nextLF + 1;
      nextLF = buf.indexOf(LF, p);
    }
    if (len > 0) this.lastByte = buf[len - 1];
    const keepFrom = Math.max(this.segmentStart - base, 0);
    if (keepFrom < len) {
      this.carry.push(keepFrom === 0 ? buf : buf.subarray(keepFrom));
      this.carryBytes += len - keepFrom;
      if (this.carryBytes - (this.recordStart - this.segmentStart) > this.maxRecordBytes) {
        const reason = this.state === State.Quoted
          ? `unterminated quoted field (no closing quote within ${this.maxRecordBytes} bytes)`
          : `record longer than ${this.maxRecordBytes} bytes`;
        throw new InputFormatError(this.file, this.state === State.Quoted ? this.quoteLine : this.recordLine, reason);
      }
    }
    this.base = base + len;
  }

  /** A line feed outside quotes at `lf`: emit the record before it, or skip a blank line. */
  private endRecord(buf: Buffer, lf: number, records: CsvRecord[]): void {
    const lfAbs = this.base + lf;
    const before = lf > 0 ? buf[lf - 1] : this.lastByte;
    const blank = this.recordStart === lfAbs || (this.recordStart === lfAbs - 1 && before === CR);
    if (!blank) {
      const raw = this.takeSegment(buf, lf + 1);
      const rawStart = this.recordStart - this.segmentStart;
      const contentEnd = raw.length - (raw.length - 2 >= rawStart && raw[raw.length - 2] === CR ? 2 : 1);
      records.push({ line: this.recordLine, bytes: raw.subarray(rawStart, contentEnd), raw, rawStart });
      this.segmentStart = lfAbs + 1;
    }
    this.line++;
    this.recordStart = lfAbs + 1;
    this.recordLine = this.line;
  }

  /** The segment from `segmentStart` up to `end` of `buf`, joining carried bytes if any. */
  private takeSegment(buf: Buffer, end: number): Buffer {
    if (this.carry.length === 0) return buf.subarray(this.segmentStart - this.base, end);
    const parts = this.carry;
    if (end > 0) parts.push(buf.subarray(0, end));
    this.carry = [];
    this.carryBytes = 0;
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }
}

/** Input pieces, as a stream yields them (an array of pieces will do too). */
export type ByteSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

/** Records of a stream, in batches (one per input buffer): the fast way to consume a large input. */
export async function* csvRecordBatches(
  source: ByteSource,
  options: ScanOptions,
): AsyncGenerator<CsvRecord[]> {
  const scanner = new RecordScanner(options);
  for await (const piece of source) {
    const records = scanner.push(typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece);
    if (records.length > 0) yield records;
  }
  const last = scanner.end();
  if (last.length > 0) yield last;
}

/** Records of a stream, one at a time. */
export async function* csvRecords(
  source: ByteSource,
  options: ScanOptions,
): AsyncGenerator<CsvRecord> {
  for await (const batch of csvRecordBatches(source, options)) yield* batch;
}

/** Records of an input held in memory. */
export function csvRecordsOf(input: Buffer | string, options: ScanOptions): CsvRecord[] {
  const scanner = new RecordScanner(options);
  return scanner.push(typeof input === 'string' ? Buffer.from(input, 'utf8') : input).concat(scanner.end());
}
