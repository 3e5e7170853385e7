/**
 * The merge of a run, over plain streams: the rejects of every chunk (ordered by line, as CSV
 * `line, <original header>, reasons`), and the processed chunks (header once) as the output.
 * The record count is checked before the output's last byte is handed over, so a run whose
 * counts do not add up never publishes an output.
 *
 * The chunks' files are read ahead (`readAhead` chunks beyond the one being written, in input
 * order): on AWS each GET waits tens of milliseconds for its first byte, which, one chunk after
 * another, would add up to most of a Lambda's 15 minutes for a run of 100,000 chunks.
 */
import { ChunkRef, RecordCounts, RejectedRecord } from '../../src/contract/run-payloads';
import { mergeRejectsByLine } from '../rejects/rejects-by-line';
import { formatRecord, parseRecord } from '../shared/csv-fields';
import { ByteSource, csvRecordBatches, recordWithTerminator } from '../shared/csv-records';
import { RecordCountMismatch } from '../shared/errors';
import { destroyStream, readAhead } from '../shared/read-ahead';
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
  /** The chunk's validation and enrichment rejects (no enrichment = none). */
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

export interface MergeOptions {
  /**
   * Chunks whose files are opened ahead of the one being merged. Each costs a GET (two for the
   * rejects) in flight and, until it is read, what its connection has buffered.
   *
   * @default MERGE_READ_AHEAD
   */
  readonly readAhead?: number;
}

/**
 * 32 chunks. Merging 1,000 chunks against the local S3 stand-in with a 50 ms first byte, the output
 * pass took 5.4 s reading 16 chunks ahead, 3.5 s with 32, 3.2 s with 64, and 3.1 s without latency
 * (bench/merge.ts, a shared 2-core machine). The rejects pass (two GETs a chunk) then has 64 GETs
 * wanting the SDK's 50 sockets: the connections, not the lookahead, are its limit.
 */
export const MERGE_READ_AHEAD = 32;

export interface MergeOutcome {
  readonly records: RecordCounts;
  readonly failedChunks: number;
}

export async function mergeRun(plan: MergePlan, sources: MergeSources, sinks: MergeSinks, options: MergeOptions = {}): Promise<MergeOutcome> {
  const failed = plan.failedChunks;
  const counts = { valid: 0, rejected: 0 };
  const depth = options.readAhead ?? MERGE_READ_AHEAD;
  // Both files are written at once: the rejects pass mostly waits on small GETs (two a chunk), the
  // output pass mostly works the CPU, so each runs in the other's gaps. The output's record count
  // check waits for the rejects pass, and fails the output if that pass failed.
  const rejectsWritten = sinks.writeRejects(rejectsCsv(plan, failed, sources, counts, depth));
  const outputWritten = sinks.writeOutput(outputCsv(plan, failed, sources, counts, depth, rejectsWritten));
  // Both settle before the merge ends either way: no upload is left running behind a failure.
  const [rejects, output] = await Promise.allSettled([rejectsWritten, outputWritten]);
  if (rejects.status === 'rejected') throw rejects.reason;
  if (output.status === 'rejected') throw output.reason;
  return { records: { total: plan.records, ...counts }, failedChunks: failed.size };
}

async function* rejectsCsv(
  plan: MergePlan,
  failed: ReadonlySet<number>,
  sources: MergeSources,
  counts: { rejected: number },
  depth: number,
): AsyncGenerator<string> {
  yield rejectsHeaderLine(plan.header, plan.delimiter);
  // A failed chunk's records come from its chunk file; any other chunk's from its rejects files.
  const open = async (chunk: ChunkRef): Promise<ChunkRejects> => (failed.has(chunk.index)
    // Its line list first: a stream opened before a failed read would be left open.
    ? { chunk, lines: await sources.chunkLines(chunk), chunkFile: await sources.chunkFile(chunk) }
    : { chunk, lists: await sources.rejects(chunk) });
  for await (const opened of readAhead(plan.chunks, depth, open, (o) => destroyStream(o.chunkFile))) {
    const { chunk } = opened;
    let text = '';
    if (opened.chunkFile) {
      const options = { file: chunk.key, delimiter: plan.delimiter, firstLine: chunk.firstLine, lines: opened.lines };
      for await (const batch of numberedRecords(opened.chunkFile, options, () => undefined)) {
        for (const { line, bytes } of batch) {
          text += rejectLine({ line, fields: parseRecord(bytes, plan.delimiter).fields, reasons: [CHUNK_FAILED] }, plan.delimiter);
          counts.rejected++;
        }
      }
    } else {
      for (const reject of mergeRejectsByLine(...opened.lists!)) {
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
  depth: number,
  rejectsWritten: Promise<void>,
): AsyncGenerator<Buffer | string> {
  let header: { bytes: Buffer; chunk: ChunkRef } | undefined;
  let firstHeaderLine: Buffer | undefined;
  const processed = plan.chunks.filter((chunk) => !failed.has(chunk.index));
  // A failed rejects pass fails the merge: the output pass stops at its next chunk rather than read the rest.
  let rejectsFailed: { reason: unknown } | undefined;
  rejectsWritten.catch((reason: unknown) => { rejectsFailed = { reason }; });
  const open = async (chunk: ChunkRef) => ({ chunk, body: await sources.processed(chunk) });
  for await (const { chunk, body } of readAhead(processed, depth, open, (o) => destroyStream(o.body))) {
    if (rejectsFailed) throw rejectsFailed.reason;
    // A chunk's header counts once the chunk has a record: enrichment that takes its columns from the
    // answers appends none to a chunk it found no data for (every record rejected), and that chunk adds no row.
    let chunkHeader: { bytes: Buffer; line: Buffer } | undefined;
    let headerChecked = false;
    for await (const batch of csvRecordBatches(body, { file: chunk.key, delimiter: plan.delimiter })) {
      const parts: Buffer[] = [];
      for (const record of batch) {
        if (!chunkHeader) {
          chunkHeader = { bytes: record.bytes, line: withNewline(recordWithTerminator(record)) };
          continue;
        }
        if (!headerChecked) {
          headerChecked = true;
          if (!header) {
            header = { bytes: chunkHeader.bytes, chunk };
            parts.push(chunkHeader.line);
          } else if (!header.bytes.equals(chunkHeader.bytes)) {
            throw new Error(`processed chunk ${chunk.index} (${chunk.key}) has a header that differs from chunk ${header.chunk.index}'s`);
          }
        }
        parts.push(withNewline(recordWithTerminator(record)));
        counts.valid++;
      }
      if (parts.length > 0) yield Buffer.concat(parts);
    }
    if (!chunkHeader) throw new Error(`processed chunk ${chunk.index} (${chunk.key}) is empty: expected a header line`);
    firstHeaderLine ??= chunkHeader.line;
  }
  if (!header) yield firstHeaderLine ?? formatRecord(plan.header, plan.delimiter) + '\n';
  await rejectsWritten;
  if (counts.valid + counts.rejected !== plan.records) {
    throw new RecordCountMismatch(
      `${plan.records} records in the input but ${counts.valid} valid + ${counts.rejected} rejected = ${counts.valid + counts.rejected}`,
    );
  }
}

/** A chunk's rejects, opened: its rejects lists, or the chunk file of a failed chunk. */
interface ChunkRejects {
  readonly chunk: ChunkRef;
  readonly lists?: RejectedRecord[][];
  readonly chunkFile?: ByteSource;
  /** A failed chunk's original input lines, when its records are not consecutive lines (a rejects file given back). */
  readonly lines?: number[];
}

function withNewline(bytes: Buffer): Buffer {
  return bytes[bytes.length - 1] === LF ? bytes : Buffer.concat([bytes, NEWLINE]);
}
