/**
 * The handlers' AWS SDK clients, all in one module (as aws-cdk-lib's provider framework keeps its
 * own, custom-resources/lib/provider-framework/runtime/outbound.ts). Each is made on its first use
 * and kept for the process: a warm Lambda reuses its connections, and importing a handler makes
 * none, so the endpoint, region and credentials are read from the environment at the first call
 * (the local cloud and the tests set them before it). A getter runs nothing at load, so esbuild
 * leaves it and its SDK package out of the bundle of a handler that does not call it.
 *
 * None is keyed by region: every one is in the function's own (AWS_REGION), as the construct hands
 * the handlers its own resources, an enrichment table by name, and an SES sender whose identity must
 * be in the stack's region (src/email-notification.ts).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { defaultRetryPolicy } from './retry-policy';

/**
 * For the clients that send a request per chunk part or batch of records (thousands a run): the
 * middleware stack is resolved once per command class instead of on every request, as no handler
 * changes a client's middleware (`cacheMiddleware` in @smithy/core's client configuration: "0-1ms
 * per request").
 */
const MANY_REQUESTS = { cacheMiddleware: true } as const;

/** Connections the S3 client opens at most. */
const S3_MAX_SOCKETS = 128;

let s3: S3Client | undefined;
/**
 * Its sockets: split keeps up to 64 chunk writes in flight and merge reads ahead on two passes at once
 * (3 GETs a chunk), past the SDK's default of 50 per client; a Lambda may open 1,024 file
 * descriptors (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
 */
export const s3Client = (): S3Client => (s3 ??= new S3Client({
  ...MANY_REQUESTS,
  requestHandler: { httpAgent: { maxSockets: S3_MAX_SOCKETS }, httpsAgent: { maxSockets: S3_MAX_SOCKETS } },
}));

let sfn: SFNClient | undefined;
export const stepFunctionsClient = (): SFNClient => (sfn ??= new SFNClient({}));

let events: EventBridgeClient | undefined;
export const eventBridgeClient = (): EventBridgeClient => (events ??= new EventBridgeClient({}));

let ses: SESv2Client | undefined;
export const sesClient = (): SESv2Client => (ses ??= new SESv2Client({}));

/*
 * Lambda and DynamoDB have two clients each, because a client's attempts are set when it is made:
 * the enrichment source's make as many as its retry policy (defaultRetryPolicy.maxAttempts), the
 * validator's, the rejects writer's and run-turns' the SDK's default for the service (3 for Lambda, 4
 * for DynamoDB, throttling retried after up to 1, 2, 4 s of full jitter: within each function's timeout).
 * A deployed function makes one of each at most: the enrichment's are enrich-chunk's alone.
 */

let lambda: LambdaClient | undefined;
/** The validator's: it invokes the user's validator function. */
export const lambdaClient = (): LambdaClient => (lambda ??= new LambdaClient({}));

let dynamoDb: DynamoDBClient | undefined;
/** The rejects writer's and run-turns': they write the rejects table and the run queue. */
export const dynamoDbClient = (): DynamoDBClient => (dynamoDb ??= new DynamoDBClient({ ...MANY_REQUESTS }));

const ENRICHMENT_SOURCE = { ...MANY_REQUESTS, maxAttempts: defaultRetryPolicy.maxAttempts };

let enrichmentLambda: LambdaClient | undefined;
export const enrichmentLambdaClient = (): LambdaClient => (enrichmentLambda ??= new LambdaClient(ENRICHMENT_SOURCE));

let enrichmentDynamoDb: DynamoDBClient | undefined;
export const enrichmentDynamoDbClient = (): DynamoDBClient => (enrichmentDynamoDb ??= new DynamoDBClient(ENRICHMENT_SOURCE));
