import { ChunkFile, ChunkSplitter } from './chunk-splitter';
import { WriteWindow } from './write-window';
import { ChunkRef } from '../shared/contracts';
import { ByteSource, csvRecordBatches } from '../shared/csv-records';

export interface SplitOptions {
  /** Named in errors. */
  readonly file: string;
  readonly delimiter: string;
  readonly chunkSize: number;
  /** Chunk writes in flight at once. @default 4 */
  readonly writeConcurrency?: number;
}

export interface SplitOutcome {
  readonly header: string[];
  readonly records: number;
  /** In chunk order. */
  readonly chunks: ChunkRef[];
}

/**
 * Reads the input once, writing each chunk through `writeChunk` as soon as it is complete, while
 * the next one fills. `writeChunk` returns the chunk's key.
 */
export async function splitRecords(
  input: ByteSource,
  options: SplitOptions,
  writeChunk: (chunk: ChunkFile) => Promise<string>,
): Promise<SplitOutcome> {
  const splitter = new ChunkSplitter(options);
  const writes = new WriteWindow(options.writeConcurrency ?? 4);
  const chunks: ChunkRef[] = [];
  const write = (chunk: ChunkFile) => writes.add(async () => {
    const key = await writeChunk(chunk);
    chunks[chunk.index] = { index: chunk.index, key, records: chunk.records, firstLine: chunk.firstLine };
  });
  for await (const batch of csvRecordBatches(input, options)) {
    for (const record of batch) {
      const chunk = splitter.add(record);
      if (chunk) await write(chunk);
    }
  }
  const last = splitter.finish();
  if (last) await write(last);
  await writes.drain();
  return { header: splitter.header, records: splitter.records, chunks };
}
