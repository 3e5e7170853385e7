/**
 * Loads the sample financial data into the example's financial-data table:
 *
 *   npx ts-node -T -P ../tsconfig.dev.json load-financials.ts <table-name> <financial-data.csv>
 *
 * The CSV's header is `uuid,unitsSold,unitPrice,unitCost,totalRevenue,totalCost,totalProfit`;
 * `uuid` is stored as a string, the six figures as numbers.
 */
import { readFileSync } from 'fs';
import { BatchWriteItemCommand, DynamoDBClient, WriteRequest } from '@aws-sdk/client-dynamodb';
import { parse } from 'csv-parse/sync';

const FIGURES = ['unitsSold', 'unitPrice', 'unitCost', 'totalRevenue', 'totalCost', 'totalProfit'];
/** BatchWriteItem takes at most 25 items. */
const BATCH = 25;

function putRequest(row: Record<string, string>): WriteRequest {
  const item: WriteRequest['PutRequest'] = { Item: { uuid: { S: row.uuid } } };
  for (const figure of FIGURES) item.Item![figure] = { N: row[figure] };
  return { PutRequest: item };
}

async function main(tableName: string, file: string): Promise<void> {
  const rows: Record<string, string>[] = parse(readFileSync(file), { columns: true, skip_empty_lines: true, bom: true });
  const client = new DynamoDBClient({});
  for (let start = 0; start < rows.length; start += BATCH) {
    let requests = rows.slice(start, start + BATCH).map(putRequest);
    // DynamoDB may accept part of a batch under load: resend the rest after a short pause.
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 50 * 2 ** attempt)));
      const result = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }));
      requests = result.UnprocessedItems?.[tableName] ?? [];
    }
  }
  console.log(`loaded ${rows.length} items into ${tableName}`);
}

const [tableName, file] = process.argv.slice(2);
if (!tableName || !file) {
  console.error('usage: load-financials.ts <table-name> <financial-data.csv>');
  process.exit(2);
}
main(tableName, file).catch((error) => {
  console.error(error);
  process.exit(1);
});
