import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { createActiveTable } from '../../../local/stand-ins/active-table';
import { loadLookupTable } from '../../../local/stand-ins/lookup-table';
import { LOCAL_CREDENTIALS, StandIns, startStandIns } from '../../../local/stand-ins/stand-ins';
import { LocalTable } from '../../../local/template/cloud-assembly';

const TABLE: LocalTable = {
  name: 'lookup',
  keySchema: [{ AttributeName: 'uuid', KeyType: 'HASH' }],
  attributeDefinitions: [{ AttributeName: 'uuid', AttributeType: 'S' }],
};
const ROWS = 4_321; // more than two 2,000-item batches, and not a multiple of one

describe('loadLookupTable', () => {
  let standIns: StandIns;
  let client: DynamoDBClient;
  let dir: string;

  beforeAll(async () => {
    standIns = await startStandIns();
    client = new DynamoDBClient({ region: 'us-east-1', endpoint: standIns.dynamodbEndpoint, credentials: LOCAL_CREDENTIALS });
    await createActiveTable(client, { TableName: TABLE.name, KeySchema: TABLE.keySchema as any, AttributeDefinitions: TABLE.attributeDefinitions as any, BillingMode: 'PAY_PER_REQUEST' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookup-table-test-'));
  }, 30_000);
  afterAll(async () => {
    client.destroy();
    await standIns.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('loads every row, numbers as N, a column with any non-number as S', async () => {
    const lines = ['uuid,units,code'];
    // `code` is numeric on every row but the last: it must stay a string throughout.
    for (let i = 0; i < ROWS; i++) lines.push(`id-${i},${i * 3},${i === ROWS - 1 ? 'X1' : String(i)}`);
    const file = path.join(dir, 'lookup.csv');
    fs.writeFileSync(file, `${lines.join('\n')}\n`);

    await expect(loadLookupTable(standIns.seedTable, TABLE, file)).resolves.toBe(ROWS);

    let count = 0;
    let start: any;
    do {
      const page = await client.send(new ScanCommand({ TableName: TABLE.name, Select: 'COUNT', ExclusiveStartKey: start }));
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    expect(count).toBe(ROWS);
    const item = (await client.send(new GetItemCommand({ TableName: TABLE.name, Key: { uuid: { S: 'id-7' } } }))).Item;
    expect(item).toEqual({ uuid: { S: 'id-7' }, units: { N: '21' }, code: { S: '7' } });
  }, 60_000);

  test('stops at the first batch that fails, with its error, and sends nothing after it', async () => {
    const file = path.join(dir, 'failing.csv');
    fs.writeFileSync(file, `uuid,units\n${Array.from({ length: 7_000 }, (_, i) => `k${i},${i}`).join('\n')}\n`);
    const batches: number[] = [];
    const seed = async (_table: string, items: unknown[]) => {
      batches.push(items.length);
      if (batches.length === 2) throw new Error('disk full');
    };
    await expect(loadLookupTable(seed, TABLE, file)).rejects.toThrow('disk full');
    expect(batches).toEqual([2_000, 2_000]);
  });

  test('refuses a file without the table key column', async () => {
    const file = path.join(dir, 'no-key.csv');
    fs.writeFileSync(file, 'id,units\na,1\n');
    await expect(loadLookupTable(standIns.seedTable, TABLE, file)).rejects.toThrow(`${file}: the lookup file has no "uuid" column`);
  });

  test('names the file, line and reason of a row with an empty key or the wrong number of fields, and writes nothing', async () => {
    const emptyKey = path.join(dir, 'empty-key.csv');
    fs.writeFileSync(emptyKey, 'uuid,units\nk1,1\n,2\nk3,3\n');
    const ragged = path.join(dir, 'ragged.csv');
    fs.writeFileSync(ragged, 'uuid,units\nk1,1\nk2\n');
    const seeded: unknown[] = [];
    const seed = async (_table: string, items: unknown[]) => { seeded.push(...items); };
    await expect(loadLookupTable(seed, TABLE, emptyKey)).rejects.toThrow(`${emptyKey} line 3: the "uuid" column (the table's key) is empty`);
    await expect(loadLookupTable(seed, TABLE, ragged)).rejects.toThrow(`${ragged} line 3: 1 fields where the header has 2`);
    expect(seeded).toEqual([]);
  });
});
