import { ChunkFile, ChunkSplitter } from './chunk-splitter';
import { isRejectsFile, RejectsFileRows } from './rejects-input';
import { WriteWindow } from './write-window';
import { ChunkRef } from '../../src/contract/run-payloads';
import { parseRecord } from '../shared/csv-fields';
import { ByteSource, csvRecordBatches } from '../shared/csv-records';
import { EmptyFile } from '../shared/errors';

export interface SplitOptions {
  /** Named in errors. */
  readonly file: string;
  readonly delimiter: string;
  readonly chunkSize: number;
  /**
   * Chunk writes in flight at once. Each PUT waits S3's first-byte latency (tens of ms) while the
   * input could be read on: splitting 100,000 records against a 50 ms latency model (bench/split.ts,
   * three runs on a shared 2-core machine) took 6.2–7.0 s one write at a time, 1.6–2.1 s with 4 in
   * flight, 0.8–1.6 s with 16; 0.5–1.2 s without latency. A million records on a quiet machine:
   * 4.8 s with 16 in flight, 3.1 s without latency; 3.8–4.0 s with 64, 4.6–4.7 s without (noise).
   * @default 64
   */
  readonly writeConcurrency?: number;
  /** Bytes of chunk bodies held by the writes in flight, at most (one larger chunk still goes alone). @default 64 MiB */
  readonly writeBufferBytes?: number;
  /** Writes a chunk's input lines (`ChunkFile.lines`, a rejects file given back) and returns where. @default - a rejects file given back is refused */
  readonly writeLines?: (chunk: ChunkFile) => Promise<string>;
}

export const DEFAULT_WRITE_CONCURRENCY = 64;
export const DEFAULT_WRITE_BUFFER_BYTES = 64 * 1024 * 1024;

export interface SplitOutcome {
  /** The input's columns; for a rejects file given back, the original input's (without `line` and `reasons`). */
  readonly header: string[];
  /** Whether the input was a rejects file given back (lambda-src/split/rejects-input.ts). */
  readonly rejectsFile: boolean;
  readonly records: number;
  /** In chunk order. */
  readonly chunks: ChunkRef[];
}

/**
 * Reads the input once, writing each chunk through `writeChunk` as soon as it is complete, while
 * the next ones fill: reading waits only when the writes in flight reach `writeConcurrency` or
 * `writeBufferBytes`, so memory holds the chunk being filled and those being written.
 * `writeChunk` returns the chunk's key.
 */
export async function splitRecords(
  input: ByteSource,
  options: SplitOptions,
  writeChunk: (chunk: ChunkFile) => Promise<string>,
): Promise<SplitOutcome> {
  const writes = new WriteWindow(options.writeConcurrency ?? DEFAULT_WRITE_CONCURRENCY, options.writeBufferBytes ?? DEFAULT_WRITE_BUFFER_BYTES);
  const chunks: ChunkRef[] = [];
  const write = (chunk: ChunkFile) => writes.add(async () => {
    const [key, linesKey] = await Promise.all([writeChunk(chunk), chunk.lines && options.writeLines!(chunk)]);
    chunks[chunk.index] = { index: chunk.index, key, records: chunk.records, firstLine: chunk.firstLine, ...(linesKey ? { linesKey } : {}) };
  }, chunk.body.length);
  // Known with the header: the records of a rejects file given back are its data between line and reasons.
  let splitter: ChunkSplitter | undefined;
  let rejectsFile: RejectsFileRows | undefined;
  for await (const batch of csvRecordBatches(input, options)) {
    for (const record of batch) {
      if (!splitter) {
        if (isRejectsFile(options.file, parseRecord(record.bytes, options.delimiter).fields)) {
          if (!options.writeLines) throw new Error(`${options.file} is a rejects file given back: splitting it needs writeLines`);
          rejectsFile = new RejectsFileRows(options.file, options.delimiter);
        }
        splitter = new ChunkSplitter({ ...options, explicitLines: rejectsFile !== undefined });
        splitter.add(rejectsFile ? rejectsFile.header(record) : record);
        continue;
      }
      const chunk = splitter.add(rejectsFile ? rejectsFile.record(record) : record);
      if (chunk) await write(chunk);
    }
  }
  if (!splitter) throw new EmptyFile(options.file);
  const last = splitter.finish();
  if (last) await write(last);
  await writes.drain();
  return { header: splitter.header, rejectsFile: rejectsFile !== undefined, records: splitter.records, chunks };
}
