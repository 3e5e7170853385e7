// bench/ is development tooling, left out of the npm package: it runs on devDependencies.
/**
 * What the local cloud spends loading `--table-data`: the example's financial data for N orders (CSV), checked
 * (one pass) and loaded into a table on dynalite's thread (a second pass, each item checked as PutItem checks it),
 * each round into a new table. Prints each round's wall time and the process's CPU (this thread parsing, dynalite's
 * thread checking and writing, LevelDB's own threads).
 *
 *   node --openssl-legacy-provider -r ts-node/register/transpile-only bench/table-data-load.ts [records] [rounds]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { writeSampleOrders } from '../local/samples/sample-orders';
import { createActiveTable } from '../local/stand-ins/active-table';
import { startDynamoDbThread } from '../local/stand-ins/dynamodb-thread';
import { LOCAL_CREDENTIALS } from '../local/stand-ins/stand-ins';
import { checkTableData, loadTableData } from '../local/stand-ins/table-data';
import { LocalTable } from '../local/template/cloud-assembly';

async function main(records: number, rounds: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'table-data-load-'));
  const { financialsFile } = writeSampleOrders(path.join(dir, 'sample'), { records });
  const thread = await startDynamoDbThread(path.join(dir, 'dynamodb'), () => undefined);
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint: thread.endpoint, credentials: LOCAL_CREDENTIALS });
  try {
    for (let round = 1; round <= rounds; round++) {
      const table: LocalTable = {
        name: `financials-${round}`,
        path: `Bench/Financials${round}`,
        keySchema: [{ AttributeName: 'uuid', KeyType: 'HASH' }],
        attributeDefinitions: [{ AttributeName: 'uuid', AttributeType: 'S' }],
      };
      await createActiveTable(client, {
        TableName: table.name, KeySchema: table.keySchema as any, AttributeDefinitions: table.attributeDefinitions as any, BillingMode: 'PAY_PER_REQUEST',
      });
      const cpu = process.cpuUsage();
      const started = Date.now();
      const data = await checkTableData(table, financialsFile);
      const checked = Date.now();
      const items = await loadTableData(thread.seed, data);
      const used = process.cpuUsage(cpu);
      process.stdout.write(`round ${round}: ${items} items, check ${checked - started} ms, load ${Date.now() - checked} ms, CPU ${Math.round((used.user + used.system) / 1000)} ms\n`);
    }
  } finally {
    client.destroy();
    await thread.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main(Number(process.argv[2] ?? 1_000_000), Number(process.argv[3] ?? 1)).catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
