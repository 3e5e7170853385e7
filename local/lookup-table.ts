// local/ is development tooling, left out of the npm package: it runs on devDependencies.
/* eslint-disable import/no-extraneous-dependencies */
import { BatchWriteItemCommand, BatchWriteItemCommandOutput, DynamoDBClient, WriteRequest } from '@aws-sdk/client-dynamodb';
import { parse } from 'csv-parse/sync';
import { LocalTable } from './cloud-assembly';

/** BatchWriteItem takes at most 25 items; a few batches in flight keep the stand-in busy without flooding it. */
const BATCH = 25;
const PARALLEL = 8;

/**
 * Loads enrichment data (CSV with a header; one column is the table's partition key) into a table.
 * The key is stored as a string; a column whose every value is a number is stored as numbers
 * (as examples/load-financials.ts loads the financial figures), any other column as strings.
 */
export async function loadLookupTable(client: DynamoDBClient, table: LocalTable, csv: string): Promise<number> {
  const rows = parse(csv, { columns: true, skip_empty_lines: true, bom: true }) as Array<Record<string, string>>;
  const key = table.keySchema.find((k) => k.KeyType === 'HASH')!.AttributeName;
  if (rows.length && !(key in rows[0])) throw new Error(`the lookup file has no "${key}" column (the table's key)`);
  const isNumber = (v: string) => v.trim() !== '' && Number.isFinite(Number(v));
  const numeric = new Set(Object.keys(rows[0] ?? {}).filter((column) => column !== key && rows.every((row) => isNumber(row[column]))));
  const requests: WriteRequest[] = rows.map((row) => ({
    PutRequest: { Item: Object.fromEntries(Object.entries(row).map(([k, v]) => [k, numeric.has(k) ? { N: v } : { S: v }])) },
  }));
  const batches: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += BATCH) batches.push(requests.slice(i, i + BATCH));
  const worker = async () => {
    for (let batch = batches.shift(); batch; batch = batches.shift()) {
      let pending: WriteRequest[] | undefined = batch;
      while (pending?.length) {
        const out: BatchWriteItemCommandOutput = await client.send(new BatchWriteItemCommand({ RequestItems: { [table.name]: pending } }));
        pending = out.UnprocessedItems?.[table.name];
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return rows.length;
}
