import * as fs from 'node:fs';
import { AttributeValue, BatchGetItemCommand, BatchWriteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createActiveTable } from '../../../local/stand-ins/active-table';
import { DynamoDbThread, startDynamoDbThread } from '../../../local/stand-ins/dynamodb-thread';
import { LOCAL_CREDENTIALS } from '../../../local/stand-ins/stand-ins';
import { tempFolder } from '../../support/temp-folder';

// The limits DynamoDB enforces on the calls the handlers make, crossed against the stand-in (dynalite enforces
// each of them itself), each answered with AWS's error:
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html (item size, batch sizes),
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html (25 requests, duplicates),
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html (100 keys, 16 MB, duplicates).
describe('DynamoDB limits on the stand-in', () => {
  const TABLE = 'limits';
  let dir: string;
  let thread: DynamoDbThread;
  let client: DynamoDBClient;

  beforeAll(async () => {
    dir = tempFolder('dynamodb-limits-test-');
    thread = await startDynamoDbThread(dir, () => undefined);
    client = new DynamoDBClient({ region: 'us-east-1', endpoint: thread.endpoint, credentials: LOCAL_CREDENTIALS });
    await createActiveTable(client, {
      TableName: TABLE, KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST',
    });
  }, 30_000);
  afterAll(async () => {
    client.destroy();
    await thread.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const KB = 1024;
  /** An item of exactly `bytes` bytes as DynamoDB sizes it: attribute names' and string values' UTF-8 lengths. */
  const itemOfSize = (id: string, bytes: number): Record<string, AttributeValue> =>
    ({ id: { S: id }, data: { S: 'x'.repeat(bytes - 'id'.length - id.length - 'data'.length) } });
  const puts = (ids: string[]) => ids.map((id) => ({ PutRequest: { Item: { id: { S: id } } } }));
  const keys = (ids: string[]) => ids.map((id) => ({ id: { S: id } }));
  const ids = (n: number, prefix = 'k') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  const rejection = (promise: Promise<unknown>) => promise.then(() => { throw new Error('the call was accepted'); }, (error: Error) => ({ name: error.name, message: error.message }));

  test('an item of 400 KB is stored; one byte more is refused with ValidationException, by PutItem and by BatchWriteItem', async () => {
    await client.send(new PutItemCommand({ TableName: TABLE, Item: itemOfSize('at-limit', 400 * KB) }));
    const tooLarge = itemOfSize('over-limit', 400 * KB + 1);
    const expected = { name: 'ValidationException', message: 'Item size has exceeded the maximum allowed size' };
    expect(await rejection(client.send(new PutItemCommand({ TableName: TABLE, Item: tooLarge })))).toEqual(expected);
    const batch = { RequestItems: { [TABLE]: [{ PutRequest: { Item: tooLarge } }] } };
    expect(await rejection(client.send(new BatchWriteItemCommand(batch)))).toEqual(expected);
  }, 30_000);

  test('BatchWriteItem takes 25 requests; 26 are refused with ValidationException naming the constraint', async () => {
    const accepted = await client.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: puts(ids(25)) } }));
    expect(accepted.UnprocessedItems).toEqual({});
    const refused = await rejection(client.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: puts(ids(26)) } })));
    expect(refused.name).toBe('ValidationException');
    expect(refused.message).toMatch(/^1 validation error detected: Value '.*' at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: \[Member must have length less than or equal to 25, /s);
  }, 30_000);

  test('BatchGetItem takes 100 keys; 101 are refused with ValidationException, in one table or across tables', async () => {
    const answered = await client.send(new BatchGetItemCommand({ RequestItems: { [TABLE]: { Keys: keys(ids(100)) } } }));
    expect(answered.Responses?.[TABLE]).toHaveLength(25);
    // One table's list is checked against the API's schema first (dynalite answers as the service did when it was
    // recorded); across tables the total is what the API reference's message names.
    const oneTable = await rejection(client.send(new BatchGetItemCommand({ RequestItems: { [TABLE]: { Keys: keys(ids(101)) } } })));
    expect(oneTable.name).toBe('ValidationException');
    expect(oneTable.message).toMatch(/at 'requestItems\.limits\.member\.keys' failed to satisfy constraint: Member must have length less than or equal to 100$/);
    await createActiveTable(client, {
      TableName: 'other', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST',
    });
    const acrossTables = { RequestItems: { [TABLE]: { Keys: keys(ids(60)) }, other: { Keys: keys(ids(41)) } } };
    expect(await rejection(client.send(new BatchGetItemCommand(acrossTables))))
      .toEqual({ name: 'ValidationException', message: 'Too many items requested for the BatchGetItem call' });
  }, 30_000);

  test('the same key twice in one batch is refused with ValidationException, by BatchWriteItem and by BatchGetItem', async () => {
    const expected = { name: 'ValidationException', message: 'Provided list of item keys contains duplicates' };
    const repeated = ['a', 'b', 'a'];
    expect(await rejection(client.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: puts(repeated) } })))).toEqual(expected);
    expect(await rejection(client.send(new BatchGetItemCommand({ RequestItems: { [TABLE]: { Keys: keys(repeated) } } })))).toEqual(expected);
  }, 30_000);

  test('BatchGetItem answers at most 16 MB: the keys beyond come back as UnprocessedKeys, and asking again gets them all', async () => {
    // 45 items of 390 KB: 17.1 MB together. dynalite cuts its answers at about 1 MB (the API's limit before
    // the 16 MB one), which stays within AWS's: every answer is smaller, never larger, than AWS's would be.
    const big = ids(45, 'big');
    for (let i = 0; i < big.length; i += 5) {
      const requests = big.slice(i, i + 5).map((id) => ({ PutRequest: { Item: itemOfSize(id, 390 * KB) } }));
      await client.send(new BatchWriteItemCommand({ RequestItems: { [TABLE]: requests } }));
    }
    const found = new Set<string>();
    let pending: Record<string, AttributeValue>[] = keys(big);
    let calls = 0;
    while (pending.length > 0) {
      const answer = await client.send(new BatchGetItemCommand({ RequestItems: { [TABLE]: { Keys: pending } } }));
      const items = answer.Responses?.[TABLE] ?? [];
      expect(items.length).toBeGreaterThan(0);
      expect(Buffer.byteLength(JSON.stringify(items))).toBeLessThanOrEqual(16 * KB * KB);
      for (const item of items) found.add(item.id.S!);
      pending = answer.UnprocessedKeys?.[TABLE]?.Keys ?? [];
      calls++;
    }
    expect(calls).toBeGreaterThan(1);
    expect(found).toEqual(new Set(big));
  }, 60_000);
});
