/**
 * The checks of one chunk: structure first (UTF-8, field count), then the configured validator
 * for the records that are structurally sound.
 */
import { BatchValidator, CandidateRecord } from './batch-validator';
import { RejectedRecord } from '../../src/contract/run-payloads';
import { mergeRejectsByLine } from '../rejects/rejects-by-line';
import { INVALID_UTF8, parseRecord } from '../shared/csv-fields';
import { ByteSource, CsvRecord, csvRecordBatches } from '../shared/csv-records';
import { EmptyFile } from '../shared/errors';

export interface ValidRecord extends CandidateRecord {
  /** The record's bytes as they were in the input (no terminator). */
  readonly bytes: Buffer;
  /** The same, decoded. */
  readonly text: string;
}

export interface ChunkVerdicts {
  /** The chunk file's header record, as written. */
  readonly headerBytes: Buffer;
  readonly header: string[];
  /** In input order. */
  readonly valid: ValidRecord[];
  /** In input order. */
  readonly rejected: RejectedRecord[];
}

export interface ChunkOptions {
  /** Named in errors. */
  readonly file: string;
  readonly delimiter: string;
  /** Input line of the chunk's first record (`ChunkRef.firstLine`). */
  readonly firstLine: number;
  /** Each record's input line, when they are not consecutive lines from `firstLine` (`ChunkRef.linesKey`). @default - consecutive */
  readonly lines?: readonly number[];
}

/** A record of a chunk file with its input line. */
export interface NumberedRecord {
  readonly line: number;
  readonly bytes: Buffer;
}

/**
 * The records of a chunk file after its header, in batches, each with its input line: the chunk
 * is an exact slice of the input, so a record's line is `firstLine` plus its physical offset
 * from the first, unless the chunk comes with its records' `lines`. `onHeader` receives the header
 * record's bytes.
 */
export async function* numberedRecords(
  chunk: ByteSource,
  options: ChunkOptions,
  onHeader: (bytes: Buffer) => void,
): AsyncGenerator<NumberedRecord[]> {
  const { lines } = options;
  let headerSeen = false;
  let firstRecordLine = 0;
  let count = 0;
  // The lines are split-input's, one per record: a count that differs is a defect, never bad input.
  const mismatch = () => new Error(`${options.file} has ${count === lines!.length ? 'more' : count} records, but ${lines!.length} lines were given for them`);
  const lineOf = lines
    ? () => { if (count === lines.length) throw mismatch(); return lines[count]; }
    : (record: CsvRecord) => options.firstLine + record.line - (firstRecordLine ||= record.line);
  for await (const batch of csvRecordBatches(chunk, options)) {
    const numbered: NumberedRecord[] = [];
    for (const record of batch) {
      if (!headerSeen) {
        headerSeen = true;
        onHeader(record.bytes);
        continue;
      }
      numbered.push({ line: lineOf(record), bytes: record.bytes });
      count++;
    }
    yield numbered;
  }
  if (!headerSeen) throw new EmptyFile(options.file);
  if (lines && count !== lines.length) throw mismatch();
}

export async function validateChunk(chunk: ByteSource, options: ChunkOptions, validator: BatchValidator): Promise<ChunkVerdicts> {
  let headerBytes: Buffer = Buffer.alloc(0);
  let header: string[] = [];
  const candidates: ValidRecord[] = [];
  const structural: RejectedRecord[] = [];
  const onHeader = (bytes: Buffer) => {
    headerBytes = bytes;
    header = parseRecord(bytes, options.delimiter).fields;
  };
  for await (const batch of numberedRecords(chunk, options, onHeader)) {
    for (const { line, bytes } of batch) {
      const { fields, text, invalidUtf8 } = parseRecord(bytes, options.delimiter);
      if (!invalidUtf8 && fields.length === header.length) {
        candidates.push({ line, fields, bytes, text });
        continue;
      }
      const reasons: string[] = [];
      if (invalidUtf8) reasons.push(INVALID_UTF8);
      if (fields.length !== header.length) reasons.push(`expected ${header.length} fields, found ${fields.length}`);
      structural.push({ line, fields, reasons });
    }
  }

  const verdicts = await validator(header, candidates);
  const valid: ValidRecord[] = [];
  const judged: RejectedRecord[] = [];
  candidates.forEach((record, i) => {
    const verdict = verdicts[i];
    if (verdict.valid) valid.push(record);
    else judged.push({ line: record.line, fields: record.fields, reasons: verdict.reasons ?? [] });
  });
  return { headerBytes, header, valid, rejected: mergeRejectsByLine(structural, judged) };
}
