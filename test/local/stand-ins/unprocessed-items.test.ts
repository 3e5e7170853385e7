import * as fs from 'node:fs';
import { AttributeValue, BatchGetItemCommand, BatchWriteItemCommand, DynamoDBClient, WriteRequest } from '@aws-sdk/client-dynamodb';
import { createActiveTable } from '../../../local/stand-ins/active-table';
import { DynamoDbThread, startDynamoDbThread } from '../../../local/stand-ins/dynamodb-thread';
import { LOCAL_CREDENTIALS } from '../../../local/stand-ins/stand-ins';
import { holdBack, withUnprocessed } from '../../../local/stand-ins/unprocessed-items';
import { tempFolder } from '../../support/temp-folder';

const WRITE = 'DynamoDB_20120810.BatchWriteItem';
const GET = 'DynamoDB_20120810.BatchGetItem';
const put = (id: string) => ({ PutRequest: { Item: { id: { S: id } } } });
const key = (id: string) => ({ id: { S: id } });
/** Draws in turn from `draws`. */
const drawing = (draws: number[]) => () => draws.shift()!;

describe('holdBack and withUnprocessed', () => {
  test('the write requests drawn below the rate are held back, per table, and added to the answer as UnprocessedItems', () => {
    const request = { RequestItems: { a: [put('1'), put('2')], b: [put('3')] }, ReturnConsumedCapacity: 'NONE' };
    const held = holdBack(WRITE, request, 0.5, drawing([0.9, 0.1, 0.2]))!;
    expect(held.processed).toEqual({ RequestItems: { a: [put('1')] }, ReturnConsumedCapacity: 'NONE' });
    expect(held.count).toBe(2);
    expect(withUnprocessed(WRITE, { UnprocessedItems: {} }, held.unprocessed)).toEqual({ UnprocessedItems: { a: [put('2')], b: [put('3')] } });
  });

  test('the keys held back keep their table\'s options, and join the keys the stand-in left unprocessed', () => {
    const request = { RequestItems: { a: { Keys: [key('1'), key('2')], ConsistentRead: true } } };
    const held = holdBack(GET, request, 0.5, drawing([0.4, 0.6]))!;
    expect(held.processed).toEqual({ RequestItems: { a: { Keys: [key('2')], ConsistentRead: true } } });
    const answer = withUnprocessed(GET, { Responses: { a: [] }, UnprocessedKeys: { a: { Keys: [key('9')], ConsistentRead: true } } }, held.unprocessed);
    expect(answer).toEqual({ Responses: { a: [] }, UnprocessedKeys: { a: { Keys: [key('9'), key('1')], ConsistentRead: true } } });
  });

  test('never all of a batch: when every draw holds back, the first is processed; nothing drawn, the request goes as it came', () => {
    const request = { RequestItems: { a: [put('1'), put('2')] } };
    expect(holdBack(WRITE, request, 1, Math.random)!.processed).toEqual({ RequestItems: { a: [put('1')] } });
    expect(holdBack(WRITE, request, 0.5, drawing([0.7, 0.8]))).toBeUndefined();
    expect(holdBack(WRITE, request, 0, Math.random)).toBeUndefined();
    expect(holdBack('DynamoDB_20120810.PutItem', { Item: {} }, 1, Math.random)).toBeUndefined();
  });
});

describe('the ddb fault on the DynamoDB stand-in', () => {
  let dir: string;
  let thread: DynamoDbThread;
  let client: DynamoDBClient;
  const written: string[] = [];

  beforeAll(async () => {
    dir = tempFolder('unprocessed-items-test-');
    thread = await startDynamoDbThread(dir, (target, body) => {
      if (target.endsWith('BatchWriteItem')) written.push(...JSON.parse(body).RequestItems.items.map((r: any) => r.PutRequest.Item.id.S));
    });
    client = new DynamoDBClient({ region: 'us-east-1', endpoint: thread.endpoint, credentials: LOCAL_CREDENTIALS });
    await createActiveTable(client, {
      TableName: 'items', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST',
    });
  }, 30_000);
  afterAll(async () => {
    client.destroy();
    await thread.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const ids = Array.from({ length: 25 }, (_, i) => `k${i}`);

  test('at rate 1 each batch call processes one entry and answers the rest unprocessed; sent again, all are stored and counted once', async () => {
    await thread.setUnprocessedRate(1);
    let pending: WriteRequest[] = ids.map(put);
    let calls = 0;
    while (pending.length > 0) {
      const answer = await client.send(new BatchWriteItemCommand({ RequestItems: { items: pending } }));
      const next = answer.UnprocessedItems?.items ?? [];
      expect(next).toHaveLength(pending.length - 1);
      pending = next;
      calls++;
    }
    expect(calls).toBe(25);

    let keys: Record<string, AttributeValue>[] = ids.map(key);
    const found: string[] = [];
    while (keys.length > 0) {
      const answer = await client.send(new BatchGetItemCommand({ RequestItems: { items: { Keys: keys } } }));
      expect(answer.Responses?.items).toHaveLength(1);
      found.push(...answer.Responses!.items.map((item) => item.id.S!));
      keys = answer.UnprocessedKeys?.items?.Keys ?? [];
    }
    expect(found.sort()).toEqual([...ids].sort());
    await thread.settle();
    expect(thread.unprocessed.count).toBe(2 * (24 * 25) / 2);
    // Only what was processed reached dynalite and the request count: each item once.
    expect(written.sort()).toEqual([...ids].sort());
  }, 60_000);

  test('at rate 0 the batches are answered whole again', async () => {
    await thread.setUnprocessedRate(0);
    const answer = await client.send(new BatchWriteItemCommand({ RequestItems: { items: ids.map(put) } }));
    expect(answer.UnprocessedItems).toEqual({});
  });
});
