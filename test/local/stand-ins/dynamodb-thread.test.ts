import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DeleteTableCommand, DescribeTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createActiveTable } from '../../../local/stand-ins/active-table';
import { DynamoDbThread, startDynamoDbThread } from '../../../local/stand-ins/dynamodb-thread';
import { LOCAL_CREDENTIALS } from '../../../local/stand-ins/stand-ins';

describe('startDynamoDbThread', () => {
  let dir: string;
  let thread: DynamoDbThread;
  let client: DynamoDBClient;
  const requests: string[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dynamodb-thread-test-'));
    thread = await startDynamoDbThread(dir, (target) => requests.push(target));
    client = new DynamoDBClient({ region: 'us-east-1', endpoint: thread.endpoint, credentials: LOCAL_CREDENTIALS });
  }, 30_000);
  afterAll(async () => {
    client.destroy();
    await thread.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const createTable = (name: string, key: string) => createActiveTable(client, {
    TableName: name, KeySchema: [{ AttributeName: key, KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST',
  });

  test('a table deleted and created again with another key is served with its new key, never the description read before', async () => {
    await createTable('orders', 'id');
    await client.send(new PutItemCommand({ TableName: 'orders', Item: { id: { S: 'a' } } }));
    expect((await client.send(new GetItemCommand({ TableName: 'orders', Key: { id: { S: 'a' } } }))).Item).toEqual({ id: { S: 'a' } });

    await client.send(new DeleteTableCommand({ TableName: 'orders' }));
    await expect(client.send(new GetItemCommand({ TableName: 'orders', Key: { id: { S: 'a' } } }))).rejects.toThrow(/not found/i);
    await createTable('orders', 'k');
    await expect(client.send(new PutItemCommand({ TableName: 'orders', Item: { id: { S: 'b' } } }))).rejects.toThrow(/key/i);
    await client.send(new PutItemCommand({ TableName: 'orders', Item: { k: { S: 'b' } } }));
    expect((await client.send(new GetItemCommand({ TableName: 'orders', Key: { k: { S: 'b' } } }))).Item).toEqual({ k: { S: 'b' } });
    expect((await client.send(new DescribeTableCommand({ TableName: 'orders' }))).Table?.KeySchema).toEqual([{ AttributeName: 'k', KeyType: 'HASH' }]);
  }, 30_000);

  test('seeded items are served by the API, replace items with the same key, and are not reported as requests', async () => {
    await createTable('seeded', 'id');
    await thread.settle();
    const before = requests.length;
    await thread.seed('seeded', [{ id: { S: 'a' }, n: { N: '1' } }, { id: { S: 'b' }, n: { N: '2' } }]);
    await thread.seed('seeded', [{ id: { S: 'a' }, n: { N: '3' } }]);
    await thread.settle();
    expect(requests.length).toBe(before);
    const get = async (id: string) => (await client.send(new GetItemCommand({ TableName: 'seeded', Key: { id: { S: id } } }))).Item;
    expect(await get('a')).toEqual({ id: { S: 'a' }, n: { N: '3' } });
    expect(await get('b')).toEqual({ id: { S: 'b' }, n: { N: '2' } });
  }, 30_000);

  test('seeding refuses an item without the key, with the wrong key type, or a table that does not exist, and writes nothing of that batch', async () => {
    await expect(thread.seed('seeded', [{ id: { S: 'c' } }, { other: { S: 'x' } }])).rejects.toThrow('Missing the key id');
    await expect(thread.seed('seeded', [{ id: { N: '1' } }])).rejects.toThrow('Type mismatch for key id');
    await expect(thread.seed('missing', [{ id: { S: 'a' } }])).rejects.toThrow(/not found: missing/);
    expect((await client.send(new GetItemCommand({ TableName: 'seeded', Key: { id: { S: 'c' } } }))).Item).toBeUndefined();
  }, 30_000);

  test('settle resolves once every request answered so far has been reported', async () => {
    // Reports arrive after the answers: let the previous test's requests land first.
    await thread.settle();
    const before = requests.length;
    await client.send(new GetItemCommand({ TableName: 'orders', Key: { k: { S: 'b' } } }));
    await thread.settle();
    expect(requests.slice(before)).toEqual(['DynamoDB_20120810.GetItem']);
  });
});
