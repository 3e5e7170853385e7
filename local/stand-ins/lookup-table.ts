// local/ is development tooling, left out of the npm package: it runs on devDependencies.
/* eslint-disable import/no-extraneous-dependencies */
import * as fs from 'node:fs';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { parse } from 'csv-parse';
import { LocalTable } from '../template/cloud-assembly';

/** Items per seeding batch: one LevelDB batch each, while the next is parsed. */
const BATCH = 2_000;

/** Writes items into a table of the DynamoDB stand-in ({@link StandIns.seedTable}). */
export type SeedTable = (table: string, items: Record<string, AttributeValue>[]) => Promise<void>;

type Row = Record<string, string>;

/** The file's rows with the line each ends on, parsed as they are read: the file is never held whole. */
async function* rowsOf(file: string): AsyncGenerator<{ row: Row; line: number }> {
  const parser = fs.createReadStream(file).pipe(parse({ columns: true, skip_empty_lines: true, bom: true, info: true }));
  try {
    for await (const { record, info } of parser) yield { row: record, line: info.lines };
  } catch (err) {
    // csv-parse names the line and the reason; say which file.
    throw new Error(`${file}: ${(err as Error).message}`);
  }
}

const isNumber = (v: string) => v.trim() !== '' && Number.isFinite(Number(v));

/**
 * The columns (other than `key`) whose every value is a number, found in one pass over the file,
 * which also refuses a file without the key column or a row with an empty key before anything is written.
 */
async function numericColumns(file: string, key: string): Promise<Set<string>> {
  let candidates: Set<string> | undefined;
  for await (const { row, line } of rowsOf(file)) {
    if (!candidates) {
      if (!(key in row)) throw new Error(`${file}: the lookup file has no "${key}" column (the table's key)`);
      candidates = new Set(Object.keys(row).filter((column) => column !== key));
    }
    if (row[key] === '') throw new Error(`${file} line ${line}: the "${key}" column (the table's key) is empty`);
    for (const column of candidates) if (!isNumber(row[column])) candidates.delete(column);
  }
  return candidates ?? new Set();
}

/**
 * Loads enrichment data (CSV file with a header; one column is the table's partition key) into a table.
 * The key is stored as a string; a column whose every value is a number is stored as numbers
 * (as examples/load-financials.ts loads the financial figures), any other column as strings.
 * The file is read twice (the column types, then the items) and seeded in batches, one batch written
 * while the next is parsed: memory stays bounded whatever the file's size.
 */
export async function loadLookupTable(seed: SeedTable, table: LocalTable, file: string): Promise<number> {
  const key = table.keySchema.find((k) => k.KeyType === 'HASH')!.AttributeName;
  const numeric = await numericColumns(file, key);
  let rows = 0;
  let batch: Record<string, AttributeValue>[] = [];
  let failure: Error | undefined;
  let writing: Promise<void> = Promise.resolve();
  // One batch in flight at most: wait for it (and stop at its error) before sending the next.
  const send = async (items: Record<string, AttributeValue>[]) => {
    await writing;
    if (failure) throw failure;
    writing = seed(table.name, items).catch((err: Error) => { failure = err; });
  };
  for await (const { row } of rowsOf(file)) {
    rows++;
    const item: Record<string, AttributeValue> = {};
    for (const column in row) item[column] = numeric.has(column) ? { N: row[column] } : { S: row[column] };
    batch.push(item);
    if (batch.length === BATCH) {
      await send(batch);
      batch = [];
    }
  }
  if (batch.length) await send(batch);
  await writing;
  if (failure) throw failure;
  return rows;
}
