import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import {
  dynamoDbClient, enrichmentDynamoDbClient, enrichmentLambdaClient, eventBridgeClient, lambdaClient, s3Client, sesClient, stepFunctionsClient,
} from '../../../lambda-src/shared/aws-clients';
import { defaultRetryPolicy } from '../../../lambda-src/shared/retry-policy';

const getters = [
  s3Client, stepFunctionsClient, eventBridgeClient, sesClient, lambdaClient, dynamoDbClient, enrichmentLambdaClient, enrichmentDynamoDbClient,
];

afterAll(() => {
  for (const client of getters) client().destroy();
});

test('each client is made once and reused by every later call', () => {
  for (const client of getters) expect(client()).toBe(client());
});

test('the enrichment source\'s clients make as many attempts as its retry policy, the others the SDK\'s default for the service', async () => {
  expect(await enrichmentLambdaClient().config.maxAttempts()).toBe(defaultRetryPolicy.maxAttempts);
  expect(await enrichmentDynamoDbClient().config.maxAttempts()).toBe(defaultRetryPolicy.maxAttempts);
  const defaults = [new LambdaClient({}), new DynamoDBClient({})];
  expect(await lambdaClient().config.maxAttempts()).toBe(await defaults[0].config.maxAttempts());
  expect(await dynamoDbClient().config.maxAttempts()).toBe(await defaults[1].config.maxAttempts());
  for (const client of defaults) client.destroy();
});
