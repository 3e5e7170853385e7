import { BatchGetItemCommand, BatchWriteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { figuresFromItem } from '../../examples/financials/financial-figures';
import { handler } from '../../examples/financials-api';
import { createActiveTable } from '../../local/stand-ins/active-table';
import { LocalAws, startLocalAws } from '../support/local-aws';

const post = (body: string | null) => handler({ httpMethod: 'POST', resource: '/financials/batch', body, requestContext: { requestId: 'r' } } as unknown as APIGatewayProxyEvent);
const get = (uuid?: string) => handler({ pathParameters: uuid === undefined ? null : { uuid }, requestContext: { requestId: 'r' } } as unknown as APIGatewayProxyEvent);

describe('financials-api', () => {
  let aws: LocalAws;

  beforeAll(async () => {
    aws = await startLocalAws({ bucket: 'financials-api-test', dynamodb: true });
    process.env.FINANCIALS_TABLE = 'financials';
    process.env.LOG_LEVEL = 'error';
    const dynamodb = new DynamoDBClient({});
    await createActiveTable(dynamodb, {
      TableName: 'financials',
      AttributeDefinitions: [{ AttributeName: 'uuid', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'uuid', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    // Attributes stored in another order than the answer's, to show the answer fixes its own order.
    await dynamodb.send(new PutItemCommand({
      TableName: 'financials',
      Item: {
        totalProfit: { N: '51500.76' },
        uuid: { S: '535113847' },
        unitsSold: { N: '934' },
        unitPrice: { N: '152.58' },
        unitCost: { N: '97.44' },
        totalRevenue: { N: '142509.72' },
        totalCost: { N: '91008.96' },
      },
    }));
    // 150 more orders for the batch form: order n has n units at 2.25, costing 1.5 each.
    for (let start = 0; start < 150; start += 25) {
      await dynamodb.send(new BatchWriteItemCommand({
        RequestItems: {
          financials: Array.from({ length: 25 }, (_, i) => start + i).map((n) => ({
            PutRequest: {
              Item: {
                uuid: { S: `order-${n}` },
                totalProfit: { N: String(n * 0.75) },
                totalCost: { N: String(n * 1.5) },
                totalRevenue: { N: String(n * 2.25) },
                unitCost: { N: '1.5' },
                unitPrice: { N: '2.25' },
                unitsSold: { N: String(n) },
              },
            },
          })),
        },
      }));
    }
    dynamodb.destroy();
  });

  afterAll(() => aws.close());

  test('answers the figures of a known uuid as JSON, in a fixed key order', async () => {
    const response = await get('535113847');
    expect(response.statusCode).toBe(200);
    expect(response.headers).toEqual({ 'content-type': 'application/json' });
    expect(response.body).toBe('{"uuid":"535113847","unitsSold":934,"unitPrice":152.58,"unitCost":97.44,'
      + '"totalRevenue":142509.72,"totalCost":91008.96,"totalProfit":51500.76}');
  });

  test('404 for an unknown uuid, 400 without one', async () => {
    const missing = await get('1');
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(missing.body)).toEqual({ message: 'no financial data for uuid 1' });
    expect((await get()).statusCode).toBe(400);
    expect((await get('')).statusCode).toBe(400);
  });

  test('a missing figure is null', () => {
    expect(figuresFromItem('7', { uuid: { S: '7' }, unitsSold: { N: '3' } })).toEqual({
      uuid: '7', unitsSold: 3, unitPrice: null, unitCost: null, totalRevenue: null, totalCost: null, totalProfit: null,
    });
  });

  describe('POST /financials/batch', () => {
    const header = ['Country', 'uuid'];
    const body = (uuids: string[]) => JSON.stringify({ header, records: uuids.map((uuid, i) => ({ line: i + 2, fields: ['Chad', uuid] })) });
    afterEach(() => jest.restoreAllMocks());

    test('answers the figures of each record in record order, null for unknown uuids', async () => {
      const response = await post(body(['order-7', 'unknown', '535113847', 'order-7']));
      expect(response.statusCode).toBe(200);
      expect(response.headers).toEqual({ 'content-type': 'application/json' });
      const { results } = JSON.parse(response.body);
      expect(results).toEqual([
        { uuid: 'order-7', unitsSold: 7, unitPrice: 2.25, unitCost: 1.5, totalRevenue: 15.75, totalCost: 10.5, totalProfit: 5.25 },
        null,
        { uuid: '535113847', unitsSold: 934, unitPrice: 152.58, unitCost: 97.44, totalRevenue: 142509.72, totalCost: 91008.96, totalProfit: 51500.76 },
        { uuid: 'order-7', unitsSold: 7, unitPrice: 2.25, unitCost: 1.5, totalRevenue: 15.75, totalCost: 10.5, totalProfit: 5.25 },
      ]);
      // Each figure object has the GET answer's key order, whatever order the table stores.
      const single = JSON.parse((await get('535113847')).body);
      expect(Object.keys(results[2])).toEqual(['uuid', 'unitsSold', 'unitPrice', 'unitCost', 'totalRevenue', 'totalCost', 'totalProfit']);
      expect(JSON.stringify(results[2])).toBe(JSON.stringify(single));
    });

    test('splits more than 100 records into BatchGetItem calls of at most 100 keys', async () => {
      const send = jest.spyOn(DynamoDBClient.prototype, 'send');
      // 150 known orders from the last one down, then 60 unknown: 210 distinct keys.
      const uuids = [...Array.from({ length: 150 }, (_, i) => `order-${149 - i}`), ...Array.from({ length: 60 }, (_, i) => `missing-${i}`)];
      const response = await post(body(uuids));
      expect(response.statusCode).toBe(200);
      const { results } = JSON.parse(response.body);
      expect(results).toHaveLength(210);
      expect(results.slice(0, 150).map((r: any) => [r.uuid, r.unitsSold])).toEqual(uuids.slice(0, 150).map((uuid) => [uuid, Number(uuid.slice(6))]));
      expect(results.slice(150)).toEqual(Array(60).fill(null));
      const calls = send.mock.calls.map(([command]) => command).filter((command) => command instanceof BatchGetItemCommand) as BatchGetItemCommand[];
      const keysPerCall = calls.map((command) => command.input.RequestItems!.financials.Keys!.length).sort((a, b) => a - b);
      expect(keysPerCall).toEqual([10, 100, 100]);
    });

    test('400 for a malformed body, naming what is wrong', async () => {
      const cases: [string | null, RegExp][] = [
        [null, /must be JSON/],
        ['not json', /must be JSON/],
        [JSON.stringify({ records: [] }), /header must be an array/],
        [JSON.stringify({ header: ['id'], records: [] }), /header must have a uuid column/],
        [JSON.stringify({ header, records: {} }), /records must be an array/],
        [JSON.stringify({ header, records: [{ line: 2, fields: ['Chad'] }] }), /records\[0\]\.fields must be an array of strings with a uuid/],
      ];
      for (const [text, message] of cases) {
        const response = await post(text);
        expect(response.statusCode).toBe(400);
        expect(JSON.parse(response.body).message).toMatch(message);
      }
    });

    test('an empty batch answers no results', async () => {
      expect(JSON.parse((await post(body([]))).body)).toEqual({ results: [] });
    });
  });
});
