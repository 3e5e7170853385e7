import * as fs from 'node:fs';
import { BatchGetItemCommand, BatchWriteItemCommand, DeleteTableCommand, DescribeTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { IamEngine } from '../../../local/iam/iam-engine';
import { createActiveTable } from '../../../local/stand-ins/active-table';
import { DynamoDbThread, SeedItemError, startDynamoDbThread } from '../../../local/stand-ins/dynamodb-thread';
import { LOCAL_CREDENTIALS } from '../../../local/stand-ins/stand-ins';
import { tempFolder } from '../../support/temp-folder';

describe('startDynamoDbThread', () => {
  let dir: string;
  let thread: DynamoDbThread;
  let client: DynamoDBClient;
  const requests: string[] = [];

  beforeAll(async () => {
    dir = tempFolder('dynamodb-thread-test-');
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

  test('seeded items are stored as PutItem stores them: numbers in their canonical form, binary from base64, sets and maps checked', async () => {
    await createTable('canonical', 'id');
    const numbers = ['0', '-0', '0.0', '1.50', '007', '-12.5', '0.05', '1e3', '1.', '-0.010', '12345678901234567890123456789012345678', '1234567890123456789012345678901234567.8'];
    const item = (i: number) => ({ id: { S: `n${i}` }, n: { N: numbers[i] }, set: { NS: [numbers[i]] }, map: { M: { nested: { N: numbers[i] } } } });
    await thread.seed('canonical', numbers.map((_, i) => item(i)));
    for (let i = 0; i < numbers.length; i++) {
      // The same item through the API: what dynalite answers for it is what the service would.
      await client.send(new PutItemCommand({ TableName: 'canonical', Item: { ...item(i), id: { S: `api${i}` } } }));
      const seeded = (await client.send(new GetItemCommand({ TableName: 'canonical', Key: { id: { S: `n${i}` } } }))).Item!;
      const put = (await client.send(new GetItemCommand({ TableName: 'canonical', Key: { id: { S: `api${i}` } } }))).Item!;
      expect({ ...seeded, id: undefined }).toEqual({ ...put, id: undefined });
    }
    const read = async (id: string) => (await client.send(new GetItemCommand({ TableName: 'canonical', Key: { id: { S: id } } }))).Item!;
    expect((await read('n3')).n).toEqual({ N: '1.5' });
    expect((await read('n7')).map).toEqual({ M: { nested: { N: '1000' } } });

    await createActiveTable(client, {
      TableName: 'binary', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'B' }], BillingMode: 'PAY_PER_REQUEST',
    });
    await thread.seed('binary', [{ id: { B: Buffer.from([1, 2, 255]).toString('base64') }, data: { B: Buffer.from('hello').toString('base64') } }]);
    const binary = (await client.send(new GetItemCommand({ TableName: 'binary', Key: { id: { B: Uint8Array.from([1, 2, 255]) } } }))).Item!;
    expect(Buffer.from(binary.id.B!)).toEqual(Buffer.from([1, 2, 255]));
    expect(Buffer.from(binary.data.B!).toString()).toBe('hello');
  }, 30_000);

  test('seeding refuses what PutItem refuses, naming the item of the batch, and writes nothing of that batch', async () => {
    const refusal = async (items: Array<Record<string, unknown>>) => thread.seed('seeded', items).then(() => undefined, (error: Error) => error);
    const ok = (id: string) => ({ id: { S: id }, n: { N: '1' } });
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ id: { S: 'x' }, n: { N: '1'.repeat(39) } }, /more than 38 significant digits/],
      [{ id: { S: 'x' }, n: { N: '1e126' } }, /Number overflow/],
      [{ id: { S: 'x' }, n: { N: 'abc' } }, /cannot be converted to a numeric value/],
      [{ id: { S: 'x' }, s: { SS: ['a', 'a'] } }, /contains duplicates/],
      [{ id: { S: 'x' }, e: {} }, /AttributeValue is empty/],
      [{ id: { S: 'x' }, e: 'plain' }, /e is not an attribute value/],
      [{ id: { S: 'x' }, big: { S: 'x'.repeat(400 * 1024) } }, /Item size has exceeded the maximum allowed size/],
    ];
    for (const [item, message] of cases) {
      const error = await refusal([ok('first'), item, ok('last')]);
      expect(error).toBeInstanceOf(SeedItemError);
      expect(error).toMatchObject({ index: 1, message: expect.stringMatching(message) });
    }
    for (const id of ['first', 'x', 'last']) {
      expect((await client.send(new GetItemCommand({ TableName: 'seeded', Key: { id: { S: id } } }))).Item).toBeUndefined();
    }
    // An item of exactly 400 KB (names and values) is stored, as PutItem stores it.
    const length = 400 * 1024 - 'id'.length - 'large'.length - 'big'.length;
    await thread.seed('seeded', [{ id: { S: 'large' }, big: { S: 'x'.repeat(length) } }]);
    expect((await client.send(new GetItemCommand({ TableName: 'seeded', Key: { id: { S: 'large' } } }))).Item?.big.S?.length).toBe(length);
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
    dir = tempFolder('dynamodb-thread-iam-test-');
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
