// local/ is development tooling, left out of the npm package: it runs on devDependencies.
/* eslint-disable import/no-extraneous-dependencies */
import * as fs from 'node:fs';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { parseRecord } from '../../lambda-src/shared/csv-fields';
import { csvRecordBatches } from '../../lambda-src/shared/csv-records';
import { LocalTable } from '../template/cloud-assembly';

/** Items per seeding batch: one LevelDB batch each, while the next is parsed. */
const BATCH = 2_000;

/** Writes items into a table of the DynamoDB stand-in ({@link StandIns.seedTable}). */
export type SeedTable = (table: string, items: Record<string, AttributeValue>[]) => Promise<void>;

/** A header and, for each row, its fields in the header's order and its input line. */
interface Rows {
  readonly header: string[];
  readonly rows: AsyncGenerator<{ fields: string[]; line: number }>;
}

/**
 * The file's rows, parsed as they are read (the file is never held whole) by the pipeline's own CSV
 * reader (lambda-src/shared/csv-records.ts): a million rows in a few seconds, where csv-parse building
 * an object per row took most of the lookup's loading time. A row whose field count is not the
 * header's stops the load, naming the file and the line.
 */
async function rowsOf(file: string): Promise<Rows> {
  const batches = csvRecordBatches(fs.createReadStream(file), { file });
  const first = await batches.next();
  const header = first.done ? [] : parseRecord(first.value[0].bytes, ',').fields;
  async function* rows() {
    const pending = first.done ? [] : first.value.slice(1);
    for (;;) {
      for (const record of pending) {
        const fields = parseRecord(record.bytes, ',').fields;
        if (fields.length !== header.length) {
          throw new Error(`${file} line ${record.line}: ${fields.length} fields where the header has ${header.length}`);
        }
        yield { fields, line: record.line };
      }
      const next = await batches.next();
      if (next.done) return;
      pending.splice(0, pending.length, ...next.value);
    }
  }
  return { header, rows: rows() };
}

const isNumber = (v: string) => v.trim() !== '' && Number.isFinite(Number(v));

/**
 * The columns (other than `key`) whose every value is a number, found in one pass over the file,
 * which also refuses a file without the key column or a row with an empty key before anything is written.
 */
async function numericColumns(file: string, key: string): Promise<Set<number>> {
  const { header, rows } = await rowsOf(file);
  const keyColumn = header.indexOf(key);
  if (keyColumn < 0) throw new Error(`${file}: the lookup file has no "${key}" column (the table's key)`);
  const candidates = new Set(header.map((_, i) => i).filter((i) => i !== keyColumn));
  for await (const { fields, line } of rows) {
    if (fields[keyColumn] === '') throw new Error(`${file} line ${line}: the "${key}" column (the table's key) is empty`);
    for (const column of candidates) if (!isNumber(fields[column])) candidates.delete(column);
  }
  return candidates;
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
  const { header, rows: records } = await rowsOf(file);
  for await (const { fields } of records) {
    rows++;
    const item: Record<string, AttributeValue> = {};
    for (let i = 0; i < header.length; i++) item[header[i]] = numeric.has(i) ? { N: fields[i] } : { S: fields[i] };
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
