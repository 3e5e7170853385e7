// bench/ is development tooling, left out of the npm package: it runs on devDependencies.
/**
 * What the DynamoDB stand-in spends on batch reads, the example's lookups: 200,000 items seeded on dynalite's
 * thread, then rounds of 400 BatchGetItem calls of 100 keys, 4 at a time (as the financials function asks),
 * each round's wall time and the process's CPU (the client here, dynalite on its thread, LevelDB on libuv's).
 *
 *   node --openssl-legacy-provider -r ts-node/register/transpile-only bench/dynamodb-reads.ts [rounds]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BatchGetItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createActiveTable } from '../local/stand-ins/active-table';
import { startDynamoDbThread } from '../local/stand-ins/dynamodb-thread';
import { LOCAL_CREDENTIALS } from '../local/stand-ins/stand-ins';

const ITEMS = 200_000;
const REQUESTS = 400;
const KEYS_PER_REQUEST = 100;
const AT_ONCE = 4;

async function main(rounds: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dynamodb-reads-'));
  const thread = await startDynamoDbThread(dir, () => undefined);
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint: thread.endpoint, credentials: LOCAL_CREDENTIALS });
  try {
    await createActiveTable(client, {
      TableName: 'lookup', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST',
    });
    for (let from = 0; from < ITEMS; from += 5_000) {
      await thread.seed('lookup', Array.from({ length: 5_000 }, (_, i) => ({ id: { S: `key-${from + i}` }, n: { N: String(from + i) }, text: { S: 'x'.repeat(200) } })));
    }
    // Distinct keys spread over the table, as a chunk's uuids are.
    const request = async () => {
      const start = Math.floor(Math.random() * (ITEMS - KEYS_PER_REQUEST * 199));
      const keys = Array.from({ length: KEYS_PER_REQUEST }, (_, k) => ({ id: { S: `key-${start + k * 199}` } }));
      const answer = await client.send(new BatchGetItemCommand({ RequestItems: { lookup: { Keys: keys } } }));
      if (answer.Responses?.lookup?.length !== KEYS_PER_REQUEST) throw new Error('a key went unanswered');
    };
    for (let round = 1; round <= rounds; round++) {
      const cpu = process.cpuUsage();
      const started = Date.now();
      let sent = 0;
      await Promise.all(Array.from({ length: AT_ONCE }, async () => {
        while (sent < REQUESTS) {
          sent++;
          await request();
        }
      }));
      const used = process.cpuUsage(cpu);
      process.stdout.write(`round ${round}: ${REQUESTS * KEYS_PER_REQUEST} keys in ${Date.now() - started} ms, CPU ${Math.round((used.user + used.system) / 1000)} ms\n`);
    }
  } finally {
    client.destroy();
    await thread.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main(Number(process.argv[2] ?? 5)).then(() => process.exit(0), (err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
