import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Throughput } from './raw-csv';
import { enrichRecords } from '../lambda-src/enrich/enrich-records';
import { EnrichmentSource } from '../lambda-src/enrich/lookup';
import { validatedRecordsOf } from '../lambda-src/enrich/validated-records';
import { mergeRun } from '../lambda-src/merge/merge-run';
import { jsonLinesOf, toJsonLines } from '../lambda-src/shared/s3-objects';
import { ChunkFile } from '../lambda-src/split/chunk-splitter';
import { splitRecords } from '../lambda-src/split/split-records';
import { BatchValidator } from '../lambda-src/validate/batch-validator';
import { validatedChunkJson } from '../lambda-src/validate/valid-output';
import { validateChunk } from '../lambda-src/validate/validate-records';
import { RecordCounts, RejectedRecord } from '../src/contract/run-payloads';

export interface RecordPathOptions {
  readonly inputFile: string;
  /** Where the merged output and rejects are written. */
  readonly outDir: string;
  readonly delimiter: string;
  readonly chunkSize: number;
  readonly validator: BatchValidator;
  readonly source: EnrichmentSource;
  /** The appended columns (the enricher's fields). */
  readonly fields?: readonly string[];
}

export interface RecordPathResult extends Throughput {
  readonly counts: RecordCounts;
  readonly chunks: number;
  readonly outputFile: string;
  readonly rejectsFile: string;
}

/** The bucket's work area of one run, as files in a directory. */
class WorkFiles {
  constructor(private readonly dir: string) {}

  chunk(index: number): string {
    return this.file('chunks', index, 'csv');
  }
  processed(index: number): string {
    return this.file('processed', index, 'csv');
  }
  validationRejects(index: number): string {
    return this.file('validation-rejects', index, 'jsonl');
  }
  enrichmentRejects(index: number): string {
    return this.file('enrichment-rejects', index, 'jsonl');
  }

  private file(kind: string, index: number, extension: string): string {
    return path.join(this.dir, `${kind}-${String(index).padStart(5, '0')}.${extension}`);
  }
}

async function jsonLinesArray<T>(source: AsyncIterable<Uint8Array | string>): Promise<T[]> {
  const values: T[] = [];
  for await (const value of jsonLinesOf<T>(source)) values.push(value);
  return values;
}

async function writeFile(file: string, body: AsyncIterable<string | Buffer>): Promise<void> {
  await pipeline(Readable.from(body), fs.createWriteStream(file));
}

/** What validate-chunk and enrich-chunk leave in the work area for one chunk: the texts of its three files. */
export interface ProcessedChunk {
  readonly validationRejects: string;
  readonly enrichmentRejects: string;
  readonly processedCsv: string;
}

/** What processing a chunk takes: the record path's options but its files. */
export type ChunkProcessing = Pick<RecordPathOptions, 'delimiter' | 'validator' | 'source' | 'fields'>;

/**
 * validate-chunk (with enrichment configured) then enrich-chunk over one chunk file, wired as the
 * handlers wire them: the texts of the rejects files and of the processed chunk they write.
 */
export async function processedChunkOf(chunk: ChunkFile, key: string, options: ChunkProcessing): Promise<ProcessedChunk> {
  const { delimiter } = options;
  // Each step turns its results into the text it writes, so that only that text outlives it: a
  // chunk's record objects do not sit in memory while files are written.
  const validated = await validateChunk([chunk.body], { file: key, delimiter, firstLine: chunk.firstLine }, options.validator)
    .then((verdicts) => ({ header: verdicts.header, rejects: toJsonLines(verdicts.rejected), valid: validatedChunkJson(verdicts.valid) }));
  // The validated chunk goes from one handler to the next through the bucket; here it is handed
  // over in memory (one chunk's worth) and read back by the same function enrich-chunk uses.
  const records = validatedRecordsOf(validated.valid, delimiter);
  // enrich-chunk takes the header from the run plan; every chunk file starts with that same header.
  const processed = await enrichRecords(options.source, validated.header, records, { delimiter, fields: options.fields })
    .then((enriched) => ({ csv: enriched.csv, rejects: toJsonLines(enriched.rejects) }));
  return { validationRejects: validated.rejects, enrichmentRejects: processed.rejects, processedCsv: processed.csv };
}

/** processedChunkOf, its files written in the work area. */
async function processChunk(chunk: ChunkFile, key: string, work: WorkFiles, options: RecordPathOptions): Promise<void> {
  const processed = await processedChunkOf(chunk, key, options);
  await fs.promises.writeFile(work.validationRejects(chunk.index), processed.validationRejects);
  await fs.promises.writeFile(work.enrichmentRejects(chunk.index), processed.enrichmentRejects);
  await fs.promises.writeFile(work.processed(chunk.index), processed.processedCsv);
}

/**
 * The project's record path over one file, in this process and without the emulated services:
 * split-input → validate-chunk → enrich-chunk → merge-chunks, wired as the handlers wire them
 * (the same functions, the same intermediate formats). The work files are files in a temporary
 * directory instead of S3 objects, and each chunk is validated and enriched as soon as the split
 * has written it, so that memory holds a few chunks, as the deployed pipeline's Lambdas do, and
 * not the run.
 */
export async function runRecordPath(options: RecordPathOptions): Promise<RecordPathResult> {
  const { delimiter } = options;
  const workDir = fs.mkdtempSync(path.join(options.outDir, 'record-path-work-'));
  try {
    const work = new WorkFiles(workDir);
    const started = process.hrtime.bigint();
    const split = await splitRecords(
      fs.createReadStream(options.inputFile),
      { file: path.basename(options.inputFile), delimiter, chunkSize: options.chunkSize },
      async (chunk) => {
        const key = work.chunk(chunk.index);
        await fs.promises.writeFile(key, chunk.body);
        await processChunk(chunk, key, work, options);
        return key;
      },
    );

    const outputFile = path.join(options.outDir, 'output.csv');
    const rejectsFile = path.join(options.outDir, 'rejects.csv');
    const merged = await mergeRun(
      // Every chunk is processed in this benchmark: none failed.
      { header: split.header, delimiter, records: split.records, chunks: split.chunks, failedChunks: new Set() },
      {
        processed: async (chunk) => fs.createReadStream(work.processed(chunk.index)),
        rejects: async (chunk) => Promise.all([
          jsonLinesArray<RejectedRecord>(fs.createReadStream(work.validationRejects(chunk.index))),
          jsonLinesArray<RejectedRecord>(fs.createReadStream(work.enrichmentRejects(chunk.index))),
        ]),
        chunkFile: async (chunk) => fs.createReadStream(chunk.key),
        // Read for failed chunks only, and none fails here.
        chunkLines: async () => undefined,
      },
      { writeRejects: (body) => writeFile(rejectsFile, body), writeOutput: (body) => writeFile(outputFile, body) },
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return {
      records: split.records,
      seconds,
      recordsPerSec: split.records / seconds,
      counts: merged.records,
      chunks: split.chunks.length,
      outputFile,
      rejectsFile,
    };
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}
