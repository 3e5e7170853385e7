import { readHeader } from './header';
import { CsvRecord, recordWithTerminator } from '../shared/csv-records';
import { EmptyFile } from '../shared/errors';

const NEWLINE = Buffer.from('\n');

/** One chunk file: the header line, then the chunk's records exactly as they were in the input. */
export interface ChunkFile {
  readonly index: number;
  readonly records: number;
  /** Input line of the chunk's first record. */
  readonly firstLine: number;
  readonly body: Buffer;
  /** Each record's input line, with `explicitLines`: the records are not consecutive lines of one file. */
  readonly lines?: number[];
}

export interface ChunkSplitterOptions {
  readonly file: string;
  readonly delimiter: string;
  readonly chunkSize: number;
  /** Keep each record's line in its chunk's `lines` (records whose lines are not their physical lines in the chunk). @default false */
  readonly explicitLines?: boolean;
}

/**
 * Cuts a record stream into chunk files of `chunkSize` records. The body of a chunk is the exact
 * input byte slice from its first record to the end of its last, blank lines and CRLFs included,
 * so a record's input line is `firstLine` plus its physical line offset in the chunk; with
 * `explicitLines` (records given with the lines they had elsewhere), the chunk lists its records'
 * lines instead. Only the chunk being filled is held in memory.
 */
export class ChunkSplitter {
  private headerFields: string[] | undefined;
  private headerLine: Buffer = NEWLINE;
  private parts: Buffer[] = [];
  private lines: number[] = [];
  private count = 0;
  private firstLine = 0;
  private nextIndex = 0;
  private total = 0;

  constructor(private readonly options: ChunkSplitterOptions) {
    if (!Number.isInteger(options.chunkSize) || options.chunkSize < 1) {
      throw new Error(`chunk size must be a positive integer, got ${options.chunkSize}`);
    }
  }

  /** The column names, once the first record has been added. */
  get header(): string[] {
    if (!this.headerFields) throw new EmptyFile(this.options.file);
    return this.headerFields;
  }

  /** Records added so far, the header not counted. */
  get records(): number {
    return this.total;
  }

  /** Adds the next record; returns the chunk it completes, if any. */
  add(record: CsvRecord): ChunkFile | undefined {
    if (!this.headerFields) {
      this.headerFields = readHeader(record, this.options.file, this.options.delimiter);
      this.headerLine = recordWithTerminator(record);
      return undefined;
    }
    if (this.count === 0) {
      this.parts = [this.headerLine, recordWithTerminator(record)];
      this.firstLine = record.line;
    } else {
      this.parts.push(record.raw);
    }
    if (this.options.explicitLines) this.lines.push(record.line);
    this.count++;
    this.total++;
    return this.count === this.options.chunkSize ? this.take() : undefined;
  }

  /** Ends the input: returns the last, partial chunk if any; throws `EmptyFile` if there was no header. */
  finish(): ChunkFile | undefined {
    if (!this.headerFields) throw new EmptyFile(this.options.file);
    return this.count > 0 ? this.take() : undefined;
  }

  private take(): ChunkFile {
    const last = this.parts[this.parts.length - 1];
    if (last[last.length - 1] !== NEWLINE[0]) this.parts.push(NEWLINE);
    const chunk: ChunkFile = {
      index: this.nextIndex++,
      records: this.count,
      firstLine: this.firstLine,
      body: Buffer.concat(this.parts),
      ...(this.options.explicitLines ? { lines: this.lines } : {}),
    };
    this.parts = [];
    this.lines = [];
    this.count = 0;
    return chunk;
  }
}
