import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BatchGetItemCommand, BatchWriteItemCommand, DeleteTableCommand, DescribeTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { IamEngine } from '../../../local/iam/iam-engine';
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

  test('the keys of a batch read (read together from LevelDB) each get their own item, the latest written, or none', async () => {
    await createTable('evens', 'id');
    await createTable('odds', 'id');
    // Every other key exists, so an item given to the wrong key is seen: as a key found that does not exist, or missed that does.
    await thread.seed('evens', Array.from({ length: 25 }, (_, i) => ({ id: { S: `k${2 * i}` }, n: { N: String(2 * i) } })));
    await thread.seed('odds', Array.from({ length: 25 }, (_, i) => ({ id: { S: `k${2 * i + 1}` }, n: { N: String(-(2 * i + 1)) } })));
    await client.send(new PutItemCommand({ TableName: 'evens', Item: { id: { S: 'k8' }, n: { N: '8000' } } }));
    // 100 keys in all, BatchGetItem's most.
    const keys = Array.from({ length: 50 }, (_, i) => ({ id: { S: `k${i}` } }));
    const answer = await client.send(new BatchGetItemCommand({ RequestItems: { evens: { Keys: keys }, odds: { Keys: keys } } }));
    const found = (table: string) => new Map(answer.Responses![table].map((item) => [item.id.S!, item.n.N!]));
    expect(found('evens')).toEqual(new Map(Array.from({ length: 25 }, (_, i) => [`k${2 * i}`, i === 4 ? '8000' : String(2 * i)])));
    expect(found('odds')).toEqual(new Map(Array.from({ length: 25 }, (_, i) => [`k${2 * i + 1}`, String(-(2 * i + 1))])));
    expect(answer.UnprocessedKeys ?? {}).toEqual({});
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

describe('startDynamoDbThread, authorized', () => {
  // A function that may batch-write one table only.
  const template = {
    Resources: {
      Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } },
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': ['Role', 'Arn'] } } },
      Policy: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyName: 'P',
          Roles: [{ Ref: 'Role' }],
          PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:BatchWriteItem', Resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/granted' }] },
        },
      },
    },
  };
  const options = { template, env: { region: 'us-east-1', account: '000000000000', stackName: 'T' }, trustedAccessKeyIds: [LOCAL_CREDENTIALS.accessKeyId] };
  const functionCredentials = new IamEngine(options).callerFor('Fn').credentials!;
  let dir: string;
  let thread: DynamoDbThread;
  let admin: DynamoDBClient;
  let fn: DynamoDBClient;
  const requests: string[] = [];
  const write = (table: string) => fn.send(new BatchWriteItemCommand({ RequestItems: { [table]: [{ PutRequest: { Item: { id: { S: 'a' } } } }] } }));

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dynamodb-thread-iam-test-'));
    thread = await startDynamoDbThread(dir, (target) => requests.push(target));
    await thread.authorize(options);
    admin = new DynamoDBClient({ region: 'us-east-1', endpoint: thread.endpoint, credentials: LOCAL_CREDENTIALS });
    fn = new DynamoDBClient({ region: 'us-east-1', endpoint: thread.endpoint, credentials: functionCredentials, maxAttempts: 1 });
    for (const name of ['granted', 'other']) {
      await createActiveTable(admin, {
        TableName: name, KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST',
      });
    }
  }, 30_000);
  afterAll(async () => {
    admin.destroy();
    fn.destroy();
    await thread.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the local cloud\'s own requests pass; a function\'s are authorized on the thread, its refusals reported to the host and not served', async () => {
    await write('granted');
    expect((await admin.send(new GetItemCommand({ TableName: 'granted', Key: { id: { S: 'a' } } }))).Item).toEqual({ id: { S: 'a' } });
    await thread.settle();
    const before = requests.length;
    const refused = await write('other').catch((e) => e);
    expect([refused.name, refused.$metadata.httpStatusCode]).toEqual(['AccessDeniedException', 400]);
    expect(refused.message).toBe('User: arn:aws:sts::000000000000:assumed-role/Role/Fn is not authorized to perform: dynamodb:BatchWriteItem on resource: '
      + 'arn:aws:dynamodb:us-east-1:000000000000:table/other because no identity-based policy allows the dynamodb:BatchWriteItem action');
    await thread.settle();
    expect(thread.accessDenied).toEqual([{ caller: 'arn:aws:sts::000000000000:assumed-role/Role/Fn', action: 'dynamodb:BatchWriteItem', resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/other' }]);
    expect(requests.length).toBe(before);
    expect((await admin.send(new GetItemCommand({ TableName: 'other', Key: { id: { S: 'a' } } }))).Item).toBeUndefined();
  }, 30_000);
});
