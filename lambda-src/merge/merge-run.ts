/**
 * The merge of a run, over plain streams: the rejects of every chunk (ordered by line, as CSV
 * `line, <original header>, reasons`), then the processed chunks (header once) as the output.
 * The record count is checked before the output's last byte is handed over, so a run whose
 * counts do not add up never publishes an output.
 */
import { mergeRejectsByLine } from '../rejects/rejects-by-line';
import { ChunkRef, RecordCounts, RejectedRecord } from '../shared/contracts';
import { formatRecord, parseRecord } from '../shared/csv-fields';
import { ByteSource, csvRecordBatches, recordWithTerminator } from '../shared/csv-records';
import { RecordCountMismatch } from '../shared/errors';
import { rejectLine, rejectsHeaderLine } from '../shared/rejects-file';
import { numberedRecords } from '../validate/validate-records';

export const CHUNK_FAILED = 'chunk processing failed';
const NEWLINE = Buffer.from('\n');
const LF = 0x0a;

export interface MergePlan {
  /** The input's column names. */
  readonly header: readonly string[];
  readonly delimiter: string;
  /** Records in the input, as split-input counted them. */
  readonly records: number;
  /** In input order. */
  readonly chunks: readonly ChunkRef[];
  /** The indexes of the chunks whose processing failed (tolerated by the Map): all their records are rejected. */
  readonly failedChunks: ReadonlySet<number>;
}

export interface MergeSources {
  processed(chunk: ChunkRef): Promise<ByteSource>;
  /** The chunk's validation and enrichment rejects (a missing file = none). */
  rejects(chunk: ChunkRef): Promise<RejectedRecord[][]>;
  /** The chunk file itself: the records of a failed chunk are read from it. */
  chunkFile(chunk: ChunkRef): Promise<ByteSource>;
  /**
   * The input line of each record of a chunk that has them (`ChunkRef.linesKey`: a rejects file
   * given back), else undefined: the records of a failed chunk are rejected with their lines.
   */
  chunkLines(chunk: ChunkRef): Promise<number[] | undefined>;
}

export interface MergeSinks {
  writeRejects(body: AsyncIterable<string | Buffer>): Promise<void>;
  writeOutput(body: AsyncIterable<string | Buffer>): Promise<void>;
}

export interface MergeOutcome {
  readonly records: RecordCounts;
  readonly failedChunks: number;
}

export async function mergeRun(plan: MergePlan, sources: MergeSources, sinks: MergeSinks): Promise<MergeOutcome> {
  const failed = plan.failedChunks;
  const counts = { valid: 0, rejected: 0 };
  await sinks.writeRejects(rejectsCsv(plan, failed, sources, counts));
  await sinks.writeOutput(outputCsv(plan, failed, sources, counts));
  return { records: { total: plan.records, ...counts }, failedChunks: failed.size };
}

async function* rejectsCsv(
  plan: MergePlan,
  failed: ReadonlySet<number>,
  sources: MergeSources,
  counts: { rejected: number },
): AsyncGenerator<string> {
  yield rejectsHeaderLine(plan.header, plan.delimiter);
  for (const chunk of plan.chunks) {
    let text = '';
    if (failed.has(chunk.index)) {
      const options = { file: chunk.key, delimiter: plan.delimiter, firstLine: chunk.firstLine, lines: await sources.chunkLines(chunk) };
      for await (const batch of numberedRecords(await sources.chunkFile(chunk), options, () => undefined)) {
        for (const { line, bytes } of batch) {
          text += rejectLine({ line, fields: parseRecord(bytes, plan.delimiter).fields, reasons: [CHUNK_FAILED] }, plan.delimiter);
          counts.rejected++;
        }
      }
    } else {
      const lists = await sources.rejects(chunk);
      for (const reject of mergeRejectsByLine(...lists)) {
        text += rejectLine(reject, plan.delimiter);
        counts.rejected++;
      }
    }
    if (text !== '') yield text;
  }
}

async function* outputCsv(
  plan: MergePlan,
  failed: ReadonlySet<number>,
  sources: MergeSources,
  counts: { valid: number; rejected: number },
): AsyncGenerator<Buffer | string> {
  let header: { bytes: Buffer; chunk: ChunkRef } | undefined;
  for (const chunk of plan.chunks) {
    if (failed.has(chunk.index)) continue;
    let headerSeen = false;
    for await (const batch of csvRecordBatches(await sources.processed(chunk), { file: chunk.key, delimiter: plan.delimiter })) {
      const parts: Buffer[] = [];
      for (const record of batch) {
        if (!headerSeen) {
          headerSeen = true;
          if (!header) {
            header = { bytes: record.bytes, chunk };
            parts.push(withNewline(recordWithTerminator(record)));
          } else if (!header.bytes.equals(record.bytes)) {
            throw new Error(`processed chunk ${chunk.index} (${chunk.key}) has a header that differs from chunk ${header.chunk.index}'s`);
          }
          continue;
        }
        parts.push(withNewline(recordWithTerminator(record)));
        counts.valid++;
      }
      if (parts.length > 0) yield Buffer.concat(parts);
    }
    if (!headerSeen) throw new Error(`processed chunk ${chunk.index} (${chunk.key}) is empty: expected a header line`);
  }
  if (!header) yield formatRecord(plan.header, plan.delimiter) + '\n';
  if (counts.valid + counts.rejected !== plan.records) {
    throw new RecordCountMismatch(
      `${plan.records} records in the input but ${counts.valid} valid + ${counts.rejected} rejected = ${counts.valid + counts.rejected}`,
    );
  }
}

function withNewline(bytes: Buffer): Buffer {
  return bytes[bytes.length - 1] === LF ? bytes : Buffer.concat([bytes, NEWLINE]);
}
