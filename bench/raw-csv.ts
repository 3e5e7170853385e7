// bench/ is development tooling, left out of the npm package: it runs on devDependencies.
import * as fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify';

export interface Throughput {
  readonly records: number;
  readonly seconds: number;
  readonly recordsPerSec: number;
}

/**
 * The floor for "read every record and write it back": the input parsed with csv-parse and
 * written again with csv-stringify, streamed file to file, nothing else.
 */
export async function rawCsvRoundTrip(inputFile: string, outputFile: string): Promise<Throughput> {
  const started = process.hrtime.bigint();
  // The sample has records with a field missing on purpose; the baseline passes them through.
  const parser = parse({ relax_column_count: true });
  await pipeline(fs.createReadStream(inputFile), parser, stringify(), fs.createWriteStream(outputFile));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const records = parser.info.records - 1; // the header is not a record
  return { records, seconds, recordsPerSec: records / seconds };
}
