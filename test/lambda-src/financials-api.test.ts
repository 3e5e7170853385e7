import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { LocalAws, startLocalAws } from './local-aws';
import { figuresFromItem } from '../../lambda-src/financials/financial-figures';
import { handler } from '../../lambda-src/financials-api';

const get = (uuid?: string) => handler({ pathParameters: uuid === undefined ? null : { uuid }, requestContext: { requestId: 'r' } } as unknown as APIGatewayProxyEvent);

describe('financials-api', () => {
  let aws: LocalAws;

  beforeAll(async () => {
    aws = await startLocalAws({ bucket: 'financials-api-test', dynamodb: true });
    process.env.FINANCIALS_TABLE = 'financials';
    process.env.LOG_LEVEL = 'error';
    const dynamodb = new DynamoDBClient({});
    await dynamodb.send(new CreateTableCommand({
      TableName: 'financials',
      AttributeDefinitions: [{ AttributeName: 'uuid', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'uuid', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }));
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
});
