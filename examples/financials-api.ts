import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { batchFigures, uuidsOfBatch } from './financials/batch-figures';
import { figuresFromItem, jsonResponse } from './financials/financial-figures';
import { getItemsByKey } from '../lambda-src/enrich/batch-get-items';
import { log } from '../lambda-src/shared/logger';
import { defaultRetryPolicy } from '../lambda-src/shared/retry-policy';

let client: DynamoDBClient | undefined;

/** The table of financial figures, by uuid (set by examples/orders-stack.ts). */
function financialsTable(): string {
  const table = process.env.FINANCIALS_TABLE;
  if (!table) throw new Error('environment variable FINANCIALS_TABLE is not set');
  return table;
}

/**
 * The example stack's REST endpoint (bundled into assets/examples/, which the package does not ship): `GET /financials/{uuid}` → the order's financial figures,
 * and `POST /financials/batch` → the figures of a batch of records (the batch enricher's body and answer).
 */
export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  // Middleware resolved once per command class, not per request (see lambda-src/shared/aws-clients.ts).
  client ??= new DynamoDBClient({ cacheMiddleware: true });
  return event.httpMethod === 'POST' ? answerBatch(event, client) : answerOne(event, client);
}

async function answerOne(event: APIGatewayProxyEvent, dynamodb: DynamoDBClient): Promise<APIGatewayProxyResult> {
  const uuid = event.pathParameters?.uuid;
  if (uuid === undefined || uuid === '') return jsonResponse(400, { message: 'the path must end with a uuid: /financials/{uuid}' });
  const { Item } = await dynamodb.send(new GetItemCommand({ TableName: financialsTable(), Key: { uuid: { S: uuid } } }));
  if (Item === undefined) {
    log.debug('no financial data', { requestId: event.requestContext?.requestId });
    return jsonResponse(404, { message: `no financial data for uuid ${uuid}` });
  }
  return jsonResponse(200, figuresFromItem(uuid, Item));
}

async function answerBatch(event: APIGatewayProxyEvent, dynamodb: DynamoDBClient): Promise<APIGatewayProxyResult> {
  const uuids = uuidsOfBatch(event.body);
  if (!Array.isArray(uuids)) return jsonResponse(400, { message: uuids.malformed });
  const items = await getItemsByKey(uuids, {
    client: dynamodb,
    tableName: financialsTable(),
    keyAttribute: 'uuid',
    concurrency: 4,
    retry: defaultRetryPolicy,
  });
  return jsonResponse(200, batchFigures(uuids, items));
}
