import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { LocalTable } from '../../local/cloud-assembly';
import { loadLookupTable } from '../../local/lookup-table';
import { LOCAL_CREDENTIALS, StandIns, startStandIns } from '../../local/stand-ins';

const TABLE: LocalTable = {
  name: 'lookup',
  keySchema: [{ AttributeName: 'uuid', KeyType: 'HASH' }],
  attributeDefinitions: [{ AttributeName: 'uuid', AttributeType: 'S' }],
};
const ROWS = 1_234; // not a multiple of the 25-item batch

describe('loadLookupTable', () => {
  let standIns: StandIns;
  let client: DynamoDBClient;
  let dir: string;

  beforeAll(async () => {
    standIns = await startStandIns();
    client = new DynamoDBClient({ region: 'us-east-1', endpoint: standIns.dynamodbEndpoint, credentials: LOCAL_CREDENTIALS });
    await client.send(new CreateTableCommand({ TableName: TABLE.name, KeySchema: TABLE.keySchema as any, AttributeDefinitions: TABLE.attributeDefinitions as any, BillingMode: 'PAY_PER_REQUEST' }));
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

    await expect(loadLookupTable(client, TABLE, file)).resolves.toBe(ROWS);

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

  test('refuses a file without the table key column', async () => {
    const file = path.join(dir, 'no-key.csv');
    fs.writeFileSync(file, 'id,units\na,1\n');
    await expect(loadLookupTable(client, TABLE, file)).rejects.toThrow('no "uuid" column');
  });
});
