/**
 * A user's CDK app with two processors, for the tests of `batch-file-processor local`
 * (test/local/cli/batch-file-processor.test.ts). Context: `validatorRuntime=python` gives Orders a validator
 * the local cloud cannot run; `fail=synth` makes the app fail to synthesize.
 */
import * as path from 'node:path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { BatchFileProcessor, RecordEnricher, RecordValidator } from '../../../../src';

const app = new App();
if (app.node.tryGetContext('fail') === 'synth') throw new Error('this app does not synthesize with fail=synth');
const stack = new Stack(app, 'Pipelines');

// Orders: a validator written inline, enrichment from a table of the app.
const python = app.node.tryGetContext('validatorRuntime') === 'python';
const orderValidator = new lambda.Function(stack, 'OrderValidator', {
  runtime: python ? lambda.Runtime.PYTHON_3_12 : lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline(python
    ? 'def handler(event, context):\n    return {"verdicts": [{"valid": True} for _ in event["records"]]}\n'
    : `exports.handler = async ({ header, records }) => ({
        verdicts: records.map(({ fields }) => /^\\d+(\\.\\d+)?$/.test(fields[header.indexOf('Amount')])
          ? { valid: true } : { valid: false, reasons: ['Amount is not a number'] }),
      });`),
});
const customers = new dynamodb.Table(stack, 'Customers', {
  partitionKey: { name: 'uuid', type: dynamodb.AttributeType.STRING },
  removalPolicy: RemovalPolicy.DESTROY,
});
new BatchFileProcessor(stack, 'Orders', {
  chunkSize: 3,
  validator: RecordValidator.fromLambda(orderValidator),
  enrichment: RecordEnricher.fromTable(customers, { keyColumn: 'uuid', fields: ['segment', 'score'] }),
  removalPolicy: RemovalPolicy.DESTROY,
});

// Returns: a validator bundled by NodejsFunction, configured by its environment; enrichment from an
// HTTP endpoint outside the app.
const returnValidator = new NodejsFunction(stack, 'ReturnValidator', {
  entry: path.join(__dirname, 'amount-validator.ts'),
  runtime: lambda.Runtime.NODEJS_22_X,
  environment: { MINIMUM_AMOUNT: String(app.node.tryGetContext('minimumAmount')) },
});
new BatchFileProcessor(stack, 'Returns', {
  chunkSize: 2,
  validator: RecordValidator.fromLambda(returnValidator),
  enrichment: RecordEnricher.fromHttpEndpoint({ url: 'https://customers.example.com/customers/{uuid}', signWithIam: true }),
  removalPolicy: RemovalPolicy.DESTROY,
});
