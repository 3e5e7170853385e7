/**
 * The checks of one chunk: structure first (UTF-8, field count), then the configured validator
 * for the records that are structurally sound.
 */
import { BatchValidator, CandidateRecord } from './batch-validator';
import { mergeRejectsByLine } from '../rejects/rejects-by-line';
import { RejectedRecord } from '../shared/contracts';
import { INVALID_UTF8, parseRecord } from '../shared/csv-fields';
import { ByteSource, csvRecords } from '../shared/csv-records';
import { EmptyFile } from '../shared/errors';

export interface ValidRecord extends CandidateRecord {
  /** The record's bytes as they were in the input (no terminator). */
  readonly bytes: Buffer;
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
}

export async function validateChunk(chunk: ByteSource, options: ChunkOptions, validator: BatchValidator): Promise<ChunkVerdicts> {
  let headerBytes: Buffer | undefined;
  let header: string[] = [];
  let firstRecordLine = 0;
  const candidates: ValidRecord[] = [];
  const structural: RejectedRecord[] = [];
  for await (const record of csvRecords(chunk, options)) {
    if (headerBytes === undefined) {
      headerBytes = record.bytes;
      header = parseRecord(record.bytes, options.delimiter).fields;
      continue;
    }
    firstRecordLine ||= record.line;
    // The chunk is an exact slice of the input, so physical line offsets carry over.
    const line = options.firstLine + record.line - firstRecordLine;
    const { fields, invalidUtf8 } = parseRecord(record.bytes, options.delimiter);
    const reasons: string[] = [];
    if (invalidUtf8) reasons.push(INVALID_UTF8);
    if (fields.length !== header.length) reasons.push(`expected ${header.length} fields, found ${fields.length}`);
    if (reasons.length > 0) structural.push({ line, fields, reasons });
    else candidates.push({ line, fields, bytes: record.bytes });
  }
  if (headerBytes === undefined) throw new EmptyFile(options.file);

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
