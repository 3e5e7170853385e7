import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Throughput } from './raw-csv';
import { enrichRecords } from '../lambda-src/enrich/enrich-records';
import { EnrichmentSource, ValidRecord as EnrichInput } from '../lambda-src/enrich/lookup';
import { mergeRun } from '../lambda-src/merge/merge-run';
import { ChunkRef, RecordCounts, RejectedRecord } from '../lambda-src/shared/contracts';
import { formatRecord } from '../lambda-src/shared/csv-fields';
import { jsonLinesOf, toJsonLines } from '../lambda-src/shared/s3-objects';
import { splitRecords } from '../lambda-src/split/split-records';
import { BatchValidator } from '../lambda-src/validate/batch-validator';
import { validatedJsonLines } from '../lambda-src/validate/valid-output';
import { validateChunk } from '../lambda-src/validate/validate-records';

export interface RecordPathOptions {
  readonly inputFile: string;
  /** Where the merged output and rejects are written. */
  readonly outDir: string;
  readonly delimiter: string;
  readonly chunkSize: number;
  readonly validator: BatchValidator;
  readonly source: EnrichmentSource;
  /** The appended columns (ENRICH_FIELDS). */
  readonly fields?: readonly string[];
}

export interface RecordPathResult extends Throughput {
  readonly counts: RecordCounts;
  readonly chunks: number;
  readonly outputFile: string;
  readonly rejectsFile: string;
}

/** The files one chunk leaves in the bucket's work area, here held in memory. */
interface ChunkWork {
  readonly validationRejects: string;
  readonly enrichmentRejects: string;
  readonly processed: Buffer;
}

async function parsedJsonLines<T>(text: string): Promise<T[]> {
  const values: T[] = [];
  for await (const value of jsonLinesOf<T>(Readable.from([text]))) values.push(value);
  return values;
}

async function writeFile(file: string, body: AsyncIterable<string | Buffer>): Promise<void> {
  await pipeline(Readable.from(body), fs.createWriteStream(file));
}

/**
 * The project's record path over one file, in this process and without the emulated services:
 * split-input → validate-chunk → enrich-chunk → merge-chunks, wired as the handlers wire them
 * (the same functions, the same intermediate formats), with the work files held in memory
 * instead of S3 and the chunks processed one after another.
 */
export async function runRecordPath(options: RecordPathOptions): Promise<RecordPathResult> {
  const { delimiter } = options;
  const started = process.hrtime.bigint();
  const chunkBodies = new Map<string, Buffer>();
  const split = await splitRecords(
    fs.createReadStream(options.inputFile),
    { file: path.basename(options.inputFile), delimiter, chunkSize: options.chunkSize },
    async (chunk) => {
      const key = `chunks/${String(chunk.index).padStart(5, '0')}.csv`;
      chunkBodies.set(key, chunk.body);
      return key;
    },
  );

  const work = new Map<number, ChunkWork>();
  for (const chunk of split.chunks) {
    // validate-chunk (with enrichment configured): rejects and the valid records as JSON Lines.
    const chunkOptions = { file: chunk.key, delimiter, firstLine: chunk.firstLine };
    const verdicts = await validateChunk([chunkBodies.get(chunk.key)!], chunkOptions, options.validator);
    const validated = validatedJsonLines(verdicts);
    // enrich-chunk: reads the JSON Lines back, appends the looked-up columns, writes CSV.
    const enriched = await enrichRecords(options.source, split.header, await parsedJsonLines<EnrichInput>(validated), options.fields);
    work.set(chunk.index, {
      validationRejects: toJsonLines(verdicts.rejected),
      enrichmentRejects: toJsonLines(enriched.rejects),
      // A Buffer, as S3 would hold it: off the heap that the rest of the run collects.
      processed: Buffer.from([enriched.header, ...enriched.rows].map((row) => formatRecord(row, delimiter) + '\n').join('')),
    });
  }

  const outputFile = path.join(options.outDir, 'output.csv');
  const rejectsFile = path.join(options.outDir, 'rejects.csv');
  const workOf = (chunk: ChunkRef) => work.get(chunk.index)!;
  const merged = await mergeRun(
    { header: split.header, delimiter, records: split.records, chunks: split.chunks },
    {
      processedExists: async (chunk) => work.has(chunk.index),
      processed: async (chunk) => [workOf(chunk).processed],
      rejects: async (chunk) => Promise.all([
        parsedJsonLines<RejectedRecord>(workOf(chunk).validationRejects),
        parsedJsonLines<RejectedRecord>(workOf(chunk).enrichmentRejects),
      ]),
      chunkFile: async (chunk) => [chunkBodies.get(chunk.key)!],
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
}
