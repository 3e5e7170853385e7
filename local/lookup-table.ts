// local/ is development tooling, left out of the npm package: it runs on devDependencies.
/* eslint-disable import/no-extraneous-dependencies */
import * as fs from 'node:fs';
import { BatchWriteItemCommand, BatchWriteItemCommandOutput, DynamoDBClient, WriteRequest } from '@aws-sdk/client-dynamodb';
import { parse } from 'csv-parse';
import { LocalTable } from './cloud-assembly';

/** BatchWriteItem takes at most 25 items; a few batches in flight keep the stand-in busy without flooding it. */
const BATCH = 25;
const PARALLEL = 8;

type Row = Record<string, string>;

/** The file's rows, parsed as they are read: the file is never held whole. */
function rowsOf(file: string): AsyncIterable<Row> {
  return fs.createReadStream(file).pipe(parse({ columns: true, skip_empty_lines: true, bom: true }));
}

const isNumber = (v: string) => v.trim() !== '' && Number.isFinite(Number(v));

/** The columns (other than `key`) whose every value is a number, found in one pass over the file. */
async function numericColumns(file: string, key: string): Promise<Set<string>> {
  let candidates: Set<string> | undefined;
  for await (const row of rowsOf(file)) {
    if (!candidates) {
      if (!(key in row)) throw new Error(`the lookup file has no "${key}" column (the table's key)`);
      candidates = new Set(Object.keys(row).filter((column) => column !== key));
    }
    for (const column of candidates) if (!isNumber(row[column])) candidates.delete(column);
  }
  return candidates ?? new Set();
}

/**
 * Loads enrichment data (CSV file with a header; one column is the table's partition key) into a table.
 * The key is stored as a string; a column whose every value is a number is stored as numbers
 * (as examples/load-financials.ts loads the financial figures), any other column as strings.
 * The file is read twice (the column types, then the items) and written in batches of 25 with at
 * most 8 batches in flight: memory stays bounded whatever the file's size.
 */
export async function loadLookupTable(client: DynamoDBClient, table: LocalTable, file: string): Promise<number> {
  const key = table.keySchema.find((k) => k.KeyType === 'HASH')!.AttributeName;
  const numeric = await numericColumns(file, key);
  const inFlight = new Set<Promise<void>>();
  let failure: Error | undefined;
  const write = async (batch: WriteRequest[]) => {
    let pending: WriteRequest[] | undefined = batch;
    while (pending?.length) {
      const out: BatchWriteItemCommandOutput = await client.send(new BatchWriteItemCommand({ RequestItems: { [table.name]: pending } }));
      pending = out.UnprocessedItems?.[table.name];
    }
  };
  const submit = async (batch: WriteRequest[]) => {
    const written: Promise<void> = write(batch)
      .catch((err: Error) => { failure ??= err; })
      .finally(() => inFlight.delete(written));
    inFlight.add(written);
    // Backpressure: the parser waits while PARALLEL batches are in flight.
    if (inFlight.size >= PARALLEL) await Promise.race(inFlight);
    if (failure) throw failure;
  };
  let rows = 0;
  let batch: WriteRequest[] = [];
  try {
    for await (const row of rowsOf(file)) {
      rows++;
      batch.push({ PutRequest: { Item: Object.fromEntries(Object.entries(row).map(([k, v]) => [k, numeric.has(k) ? { N: v } : { S: v }])) } });
      if (batch.length === BATCH) {
        await submit(batch);
        batch = [];
      }
    }
    if (batch.length) await submit(batch);
  } finally {
    // Every batch settles before we return or rethrow: none may still write after we are gone.
    await Promise.all(inFlight);
  }
  if (failure) throw failure;
  return rows;
}
