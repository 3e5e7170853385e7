import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { OrdersPipelineStack } from '../../examples/orders-stack';
import { BatchFileProcessor, BatchFileProcessorProps, RecordEnricher, RecordValidator } from '../../src';

/**
 * One stack of each configuration kind a user can build: every validator and enricher the construct offers,
 * email, a customer-managed key, an existing bucket, and the reference example. What each synthesizes must
 * deploy on every aws-cdk-lib the package accepts (test/compat/templates.test.ts).
 */
export const CONFIGURATIONS: Readonly<Record<string, (app: App) => Stack>> = {
  'defaults': (app) => processorStack(app, 'Defaults', () => ({})),
  'JSON Schema, HTTP endpoint per record, email': (app) => processorStack(app, 'SchemaHttp', () => ({
    validator: RecordValidator.fromJsonSchema({ type: 'object', required: ['uuid'], properties: { Amount: { type: 'string', pattern: '^\\d+$' } } }),
    enrichment: RecordEnricher.fromHttpEndpoint({ url: 'https://customers.example.com/customers/{uuid}', signWithIam: true, fields: ['segment'] }),
    email: { sender: 'pipeline@example.com', recipients: ['ops@example.com'] },
  })),
  'HTTP endpoint in batches': (app) => processorStack(app, 'HttpBatch', () => ({
    enrichment: RecordEnricher.fromHttpEndpoint({ url: 'https://customers.example.com/lookup', batchSize: 100 }),
  })),
  'Lambda validator and Lambda enricher': (app) => processorStack(app, 'Functions', (stack) => ({
    validator: RecordValidator.fromLambda(inlineFunction(stack, 'Validator')),
    enrichment: RecordEnricher.fromLambda(inlineFunction(stack, 'Enricher'), { batchSize: 50 }),
  })),
  'REST API of the app': (app) => processorStack(app, 'RestApi', (stack) => {
    const api = new apigateway.LambdaRestApi(stack, 'Customers', { handler: inlineFunction(stack, 'CustomersFunction'), cloudWatchRole: false });
    return { enrichment: RecordEnricher.fromRestApi(api, { path: '/customers/{uuid}' }) };
  }),
  'DynamoDB table, customer-managed key': (app) => processorStack(app, 'TableKey', (stack) => {
    const customers = new dynamodb.Table(stack, 'Customers', { partitionKey: { name: 'uuid', type: dynamodb.AttributeType.STRING }, removalPolicy: RemovalPolicy.DESTROY });
    return { enrichment: RecordEnricher.fromTable(customers, { keyColumn: 'uuid' }), encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) };
  }),
  'existing bucket': (app) => processorStack(app, 'ExistingBucket', (stack) => ({
    bucket: new s3.Bucket(stack, 'Files', { enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, removalPolicy: RemovalPolicy.DESTROY }),
  })),
  'the reference example': (app) => new OrdersPipelineStack(app, 'OrdersPipeline', { emailSender: 'pipeline@example.com', emailRecipients: ['ops@example.com'] }),
};

function processorStack(app: App, id: string, props: (stack: Stack) => BatchFileProcessorProps): Stack {
  const stack = new Stack(app, id);
  new BatchFileProcessor(stack, 'Processor', { removalPolicy: RemovalPolicy.DESTROY, ...props(stack) });
  return stack;
}

function inlineFunction(stack: Stack, id: string): lambda.Function {
  return new lambda.Function(stack, id, { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({});') });
}
