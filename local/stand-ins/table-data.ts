// local/ is development tooling, left out of the npm package: it runs on devDependencies.
/**
 * Fixture data for a DynamoDB table of the app (`--table-data PATH=FILE`): a CSV file with a header, or
 * JSON Lines of items, loaded as a restore would (straight into the stand-in's store, not through the
 * API, not counted as the run's traffic). Every row is checked before anything is written, so a file
 * that does not fit the table is refused naming its line, and nothing runs.
 */
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { marshall } from '@aws-sdk/util-dynamodb';
import { SeedItemError } from './dynamodb-thread';
import { parseRecord } from '../../lambda-src/shared/csv-fields';
import { csvRecordBatches } from '../../lambda-src/shared/csv-records';
import { InputFormatError } from '../../lambda-src/shared/errors';
import { UsageError } from '../shared/usage-error';
import { LocalTable } from '../template/cloud-assembly';

/** Items per seeding batch: one LevelDB batch each, while the next is parsed. */
const BATCH = 2_000;
/** Batches sent to the DynamoDB thread and not yet written, at most (see loadTableData). */
const IN_FLIGHT = 3;

/** An item in DynamoDB JSON, as PutItem's `Item` is sent: `{"uuid":{"S":"a1"},"price":{"N":"9.5"}}`, binary as base64. */
type Item = Record<string, object>;

/** Writes items into a table of the DynamoDB stand-in ({@link StandIns.seedTable}). */
export type SeedTable = (table: string, items: Item[]) => Promise<void>;

/** A file's items with the line each ends on, read as they are parsed: the file is never held whole. */
type ItemSource = () => AsyncGenerator<{ item: Item; line: number }>;

/** JSON Lines (`.jsonl`, `.ndjson`), else CSV with a header. */
export function isJsonLines(file: string): boolean {
  return /\.(jsonl|ndjson)$/i.test(file);
}

const isNumber = (v: string) => v.trim() !== '' && Number.isFinite(Number(v));

function keyAttributes(table: LocalTable): Array<{ name: string; type: string }> {
  return table.keySchema.map((k) => ({
    name: k.AttributeName,
    type: table.attributeDefinitions.find((a) => a.AttributeName === k.AttributeName)?.AttributeType ?? 'S',
  }));
}

/**
 * CSV: the key columns typed as the table declares them; every other column whose every non-empty value
 * is a number stored as numbers (as examples/load-financials.ts stores the financial figures), as strings
 * otherwise; an empty cell leaves the attribute out.
 */
async function csvItems(file: string, table: LocalTable): Promise<ItemSource> {
  const keys = keyAttributes(table);
  // The pipeline's own reader (quote-aware, BOM and blank lines skipped): a million-row lookup is read
  // twice here, and csv-parse's object per row took about seven times as long a pass.
  const rows = async function* () {
    let header: string[] | undefined;
    try {
      for await (const batch of csvRecordBatches(fs.createReadStream(file), { file })) {
        for (const record of batch) {
          const { fields } = parseRecord(record.bytes, ',');
          if (!header) {
            header = fields;
            continue;
          }
          if (fields.length !== header.length) {
            throw new UsageError(`${file} line ${record.line}: ${fields.length} field${fields.length === 1 ? '' : 's'}, but the header has ${header.length}`);
          }
          const row: Record<string, string> = {};
          for (let i = 0; i < header.length; i++) row[header[i]] = fields[i];
          yield { row, line: record.line };
        }
      }
    } catch (err) {
      // The reader names the file, line and reason of a quote that never closes.
      throw err instanceof InputFormatError ? new UsageError(err.message) : err;
    }
  };
  // First pass: the header has the keys, each key is there and of its type, and which columns are numbers.
  let numeric: Set<string> | undefined;
  for await (const { row, line } of rows()) {
    if (!numeric) {
      const missing = keys.find((key) => !(key.name in row));
      if (missing) throw new UsageError(`${file}: no "${missing.name}" column (the key of table ${table.path})`);
      numeric = new Set(Object.keys(row).filter((column) => !keys.some((key) => key.name === column)));
    }
    for (const key of keys) {
      if (row[key.name] === '') throw new UsageError(`${file} line ${line}: the "${key.name}" column (the table's key) is empty`);
      if (key.type === 'N' && !isNumber(row[key.name])) throw new UsageError(`${file} line ${line}: the key "${key.name}" must be a number, got "${row[key.name]}"`);
    }
    for (const column of numeric) if (row[column] !== '' && !isNumber(row[column])) numeric.delete(column);
  }
  const numbers = numeric ?? new Set<string>();
  // Each column's type, found once: the load runs this for every cell of a million rows.
  const types = new Map<string, string>();
  const typeOf = (column: string) => {
    let type = types.get(column);
    if (type === undefined) {
      type = keys.find((key) => key.name === column)?.type ?? (numbers.has(column) ? 'N' : 'S');
      types.set(column, type);
    }
    return type;
  };
  return async function* () {
    for await (const { row, line } of rows()) {
      const item: Item = {};
      for (const column in row) {
        const value = row[column];
        if (value === '') continue;
        const type = typeOf(column);
        // A binary key's cells are base64, as DynamoDB JSON carries binary.
        item[column] = type === 'N' ? { N: value } : type === 'B' ? { B: value } : { S: value };
      }
      yield { item, line };
    }
  };
}

/**
 * JSON Lines: one item per line, either plain JSON (`{"uuid":"a1","price":9.5}`, converted as the SDK's
 * `marshall` converts it) or DynamoDB JSON wrapped in `Item` as an S3 export writes it
 * (`{"Item":{"uuid":{"S":"a1"}}}`).
 */
async function jsonLinesItems(file: string, table: LocalTable): Promise<ItemSource> {
  const keys = keyAttributes(table);
  const items = async function* () {
    const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
    let line = 0;
    for await (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw new UsageError(`${file} line ${line}: not JSON (${(error as Error).message})`);
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`${file} line ${line}: not a JSON object`);
      const wrapped = Object.keys(value).length === 1 && 'Item' in value;
      let item: Item;
      try {
        // Plain JSON has no binary, so marshall's attribute values are DynamoDB JSON as they are.
        item = wrapped ? (value as { Item: Item }).Item : marshall(value, { removeUndefinedValues: true });
      } catch (error) {
        throw new UsageError(`${file} line ${line}: ${(error as Error).message}`);
      }
      for (const key of keys) {
        const attribute = item[key.name] as Record<string, unknown> | undefined;
        if (!attribute || !(key.type in attribute)) {
          throw new UsageError(`${file} line ${line}: the item needs the key "${key.name}" as ${key.type === 'N' ? 'a number' : key.type === 'B' ? 'binary' : 'a string'}`);
        }
      }
      yield { item, line };
    }
  };
  // First pass: every line parses and has the keys.
  for await (const checked of items()) void checked;
  return items;
}

/** A file checked against its table, ready to load. */
export interface TableData {
  readonly table: LocalTable;
  readonly file: string;
  readonly items: ItemSource;
}

/** Reads the whole file once, checking each item against the table; a {@link UsageError} names the file and line of the first that does not fit. */
export async function checkTableData(table: LocalTable, file: string): Promise<TableData> {
  if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
  return { table, file, items: await (isJsonLines(file) ? jsonLinesItems(file, table) : csvItems(file, table)) };
}

/**
 * Loads checked data into its table in batches, a few written while the next is parsed: memory stays
 * bounded whatever the file's size. An item the table refuses as PutItem would (a number DynamoDB cannot
 * hold, an item over 400 KB) is a {@link UsageError} naming the file and its line. Returns the number of items.
 */
export async function loadTableData(seed: SeedTable, data: TableData): Promise<number> {
  let count = 0;
  let batch: Item[] = [];
  let lines: number[] = [];
  let failure: Error | undefined;
  const writing: Array<Promise<void>> = [];
  // Up to IN_FLIGHT batches sent and not yet written: with one, parsing here and writing on the DynamoDB
  // thread took turns more than they overlapped. Stop at the first error.
  const send = async (items: Item[], itemLines: number[]) => {
    if (writing.length >= IN_FLIGHT) await writing.shift();
    if (failure) throw failure;
    writing.push(seed(data.table.name, items).catch((err: Error) => {
      failure = err instanceof SeedItemError ? new UsageError(`${data.file} line ${itemLines[err.index]}: ${err.message}`) : err;
    }));
  };
  for await (const { item, line } of data.items()) {
    count++;
    batch.push(item);
    lines.push(line);
    if (batch.length === BATCH) {
      await send(batch, lines);
      batch = [];
      lines = [];
    }
  }
  if (batch.length) await send(batch, lines);
  await Promise.all(writing);
  if (failure) throw failure;
  return count;
}
