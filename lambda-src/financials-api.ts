import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { figuresFromItem, jsonResponse } from './financials/financial-figures';
import { requiredEnv } from './shared/handler-env';
import { log } from './shared/logger';

let client: DynamoDBClient | undefined;

/** The example stack's REST endpoint: `GET /financials/{uuid}` → the order's financial figures. */
export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const uuid = event.pathParameters?.uuid;
  if (uuid === undefined || uuid === '') return jsonResponse(400, { message: 'the path must end with a uuid: /financials/{uuid}' });
  client ??= new DynamoDBClient({});
  const { Item } = await client.send(new GetItemCommand({ TableName: requiredEnv('FINANCIALS_TABLE'), Key: { uuid: { S: uuid } } }));
  if (Item === undefined) {
    log.debug('no financial data', { requestId: event.requestContext?.requestId });
    return jsonResponse(404, { message: `no financial data for uuid ${uuid}` });
  }
  return jsonResponse(200, figuresFromItem(uuid, Item));
}
