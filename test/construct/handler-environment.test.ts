import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { BatchFileProcessorProps, HandlerLogLevel, InputEncoding, RecordEnricher, RecordValidator } from '../../src';
import { INPUT_ENCODINGS, LOG_LEVELS, NOTIFY_ENVIRONMENT } from '../../src/contract/handler-environment';
import { functionLogicalId, synthesizeProcessor } from '../support/processor-template';

function environmentIn(template: Template, description: string): Record<string, unknown> {
  const functions = template.findResources('AWS::Lambda::Function');
  return functions[functionLogicalId(template, description)].Properties.Environment.Variables;
}

function environmentOf(setup: Parameters<typeof synthesizeProcessor>[0], description: string): Record<string, unknown> {
  return environmentIn(synthesizeProcessor(setup).template, description);
}

const userFunction = (scope: any, id: string) => new lambda.Function(scope, id, {
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline('exports.handler = async () => ({})'),
});

test('each handler gets the log level, and the bucket and prefixes it reads: no handler reads the input prefix, the trigger no bucket', () => {
  const props: BatchFileProcessorProps = { inputPrefix: 'in/', outputPrefix: 'out/', archivePrefix: 'done/', workPrefix: 'tmp/', logLevel: HandlerLogLevel.DEBUG };
  const { template } = synthesizeProcessor(() => props);
  const bucket = { Ref: expect.stringMatching(/^ProcessorBucket/) };
  const prefixesIn = (description: string) => Object.keys(environmentIn(template, description)).filter((name) => name.endsWith('_PREFIX')).sort();
  for (const description of ['Splits', 'Validates', 'Stores', 'Merges', 'Publishes']) {
    expect(environmentIn(template, description)).toMatchObject({ BUCKET_NAME: bucket, WORK_PREFIX: 'tmp/', LOG_LEVEL: 'debug' });
  }
  expect(environmentIn(template, 'Splits')).toMatchObject({ OUTPUT_PREFIX: 'out/', ARCHIVE_PREFIX: 'done/' });
  expect(prefixesIn('Splits')).toEqual(['ARCHIVE_PREFIX', 'OUTPUT_PREFIX', 'WORK_PREFIX']);
  expect(environmentIn(template, 'Publishes')).toMatchObject({ OUTPUT_PREFIX: 'out/' });
  expect(prefixesIn('Publishes')).toEqual(['OUTPUT_PREFIX', 'WORK_PREFIX']);
  for (const description of ['Validates', 'Stores', 'Merges']) expect(prefixesIn(description)).toEqual(['WORK_PREFIX']);
  // archive-input copies to the key the split result names.
  expect(environmentIn(template, 'Archives')).toEqual({ BUCKET_NAME: bucket, LOG_LEVEL: 'debug' });
  expect(Object.keys(environmentIn(template, 'Starts')).sort()).toEqual(['LOG_LEVEL', 'STATE_MACHINE_ARN']);
});

test('split-input gets the chunk size, the delimiter and the input encoding', () => {
  expect(environmentOf(() => ({}), 'Splits')).toMatchObject({ CHUNK_SIZE: '1000', DELIMITER: ',', INPUT_ENCODING: 'utf-8', LOG_LEVEL: 'info' });
  expect(environmentOf(() => ({ chunkSize: 250, delimiter: ';', encoding: InputEncoding.WINDOWS_1252 }), 'Splits'))
    .toMatchObject({ CHUNK_SIZE: '250', DELIMITER: ';', INPUT_ENCODING: 'windows-1252' });
});

test('every InputEncoding is one split-input reads, every HandlerLogLevel one the handlers\' logger knows', () => {
  expect(Object.values(InputEncoding).sort()).toEqual([...INPUT_ENCODINGS.values].sort());
  expect(Object.values(HandlerLogLevel).sort()).toEqual([...LOG_LEVELS.values].sort());
});

test('only split-input gets the delimiter: the later steps take the run\'s from split-input\'s result', () => {
  const { template } = synthesizeProcessor(() => ({ delimiter: ';', enrichment: RecordEnricher.fromHttpEndpoint({ url: 'https://example.com/{id}' }) }));
  expect(environmentIn(template, 'Splits')).toMatchObject({ DELIMITER: ';' });
  for (const description of ['Starts', 'Validates', 'Enriches', 'Stores', 'Merges', 'Publishes']) {
    expect([description, Object.keys(environmentIn(template, description))]).not.toEqual([description, expect.arrayContaining(['DELIMITER'])]);
  }
});

describe('validate-chunk', () => {
  test('validates nothing and expects no enrichment by default', () => {
    const environment = environmentOf(() => ({}), 'Validates');
    expect(environment).toMatchObject({ VALIDATOR: 'none', ENRICHMENT: 'false' });
    expect(environment).not.toHaveProperty('RECORD_SCHEMA');
  });

  test('gets the JSON Schema', () => {
    const schema = { type: 'object', required: ['uuid'], properties: { uuid: { pattern: '^\\d{9}$' } } };
    const environment = environmentOf(() => ({ validator: RecordValidator.fromJsonSchema(schema) }), 'Validates');
    expect(environment.VALIDATOR).toBe('json-schema');
    expect(JSON.parse(environment.RECORD_SCHEMA as string)).toEqual(schema);
  });

  test('gets the validating function and its batch size', () => {
    const environment = environmentOf((stack) => ({ validator: RecordValidator.fromLambda(userFunction(stack, 'Mine'), { batchSize: 100 }) }), 'Validates');
    expect(environment).toMatchObject({
      VALIDATOR: 'lambda',
      VALIDATOR_FUNCTION: { 'Fn::GetAtt': [expect.stringMatching(/^Mine/), 'Arn'] },
      VALIDATOR_BATCH_SIZE: '100',
    });
  });

  test('knows when enrichment follows', () => {
    const enrichment = RecordEnricher.fromHttpEndpoint({ url: 'https://example.com/{id}' });
    expect(environmentOf(() => ({ enrichment }), 'Validates')).toMatchObject({ ENRICHMENT: 'true' });
  });
});

describe('enrich-chunk', () => {
  test('calls an HTTP endpoint with the call options', () => {
    const enrichment = RecordEnricher.fromHttpEndpoint({
      url: 'https://example.com/items/{id}', signWithIam: true, concurrency: 8, maxAttempts: 3, timeout: Duration.seconds(2), fields: ['a', 'b'],
    });
    expect(environmentOf(() => ({ enrichment, delimiter: '\t' }), 'Enriches')).toMatchObject({
      ENRICHER: 'http',
      ENRICH_URL: 'https://example.com/items/{id}',
      ENRICH_SIGV4: 'true',
      ENRICH_CONCURRENCY: '8',
      ENRICH_MAX_ATTEMPTS: '3',
      ENRICH_TIMEOUT_MS: '2000',
      ENRICH_FIELDS: '["a","b"]',
    });
  });

  test('has defaults for the call options and leaves the fields to the endpoint', () => {
    const environment = environmentOf(() => ({ enrichment: RecordEnricher.fromHttpEndpoint({ url: 'https://example.com/{id}' }) }), 'Enriches');
    expect(environment).toMatchObject({ ENRICH_SIGV4: 'false', ENRICH_CONCURRENCY: '16', ENRICH_MAX_ATTEMPTS: '4', ENRICH_TIMEOUT_MS: '5000' });
    expect(environment).not.toHaveProperty('ENRICH_FIELDS');
  });

  test('calls a REST API method through its stage URL, signed', () => {
    const environment = environmentOf((stack) => {
      const api = new apigateway.RestApi(stack, 'Api');
      api.root.addResource('financials').addResource('{uuid}').addMethod('GET');
      return { enrichment: RecordEnricher.fromRestApi(api, { path: '/financials/{uuid}' }) };
    }, 'Enriches');
    expect(environment.ENRICHER).toBe('http');
    expect(environment.ENRICH_SIGV4).toBe('true');
    const url = JSON.stringify(environment.ENRICH_URL);
    expect(url).toMatch(/ApiDeploymentStageprod/);
    expect(url).toContain('/financials/{uuid}');
  });

  test('POSTs batches to an HTTP endpoint or a REST API method with a batch size, and calls per record without one', () => {
    const perRecord = environmentOf(() => ({ enrichment: RecordEnricher.fromHttpEndpoint({ url: 'https://example.com/{id}' }) }), 'Enriches');
    expect(perRecord).not.toHaveProperty('ENRICH_BATCH_SIZE');
    const endpoint = RecordEnricher.fromHttpEndpoint({ url: 'https://example.com/lookup', batchSize: 250 });
    expect(environmentOf(() => ({ enrichment: endpoint }), 'Enriches')).toMatchObject({
      ENRICHER: 'http', ENRICH_URL: 'https://example.com/lookup', ENRICH_BATCH_SIZE: '250', ENRICH_SIGV4: 'false',
    });
    const environment = environmentOf((stack) => {
      const api = new apigateway.RestApi(stack, 'Api');
      api.root.addResource('financials').addResource('batch').addMethod('POST');
      return { enrichment: RecordEnricher.fromRestApi(api, { path: '/financials/batch', batchSize: 100 }) };
    }, 'Enriches');
    expect(environment).toMatchObject({ ENRICHER: 'http', ENRICH_SIGV4: 'true', ENRICH_BATCH_SIZE: '100' });
    expect(JSON.stringify(environment.ENRICH_URL)).toMatch(/\/financials\/batch"/);
  });

  test('calls a Lambda function in batches', () => {
    expect(environmentOf((stack) => ({ enrichment: RecordEnricher.fromLambda(userFunction(stack, 'Mine')) }), 'Enriches')).toMatchObject({
      ENRICHER: 'lambda',
      ENRICH_FUNCTION: { 'Fn::GetAtt': [expect.stringMatching(/^Mine/), 'Arn'] },
      ENRICH_BATCH_SIZE: '500',
    });
  });

  test('looks records up in a table', () => {
    const environment = environmentOf((stack) => ({
      enrichment: RecordEnricher.fromTable(
        new dynamodb.Table(stack, 'Lookup', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } }),
        { keyColumn: 'uuid', keyAttribute: 'id', fields: ['price'] }),
    }), 'Enriches');
    expect(environment).toMatchObject({
      ENRICHER: 'table',
      ENRICH_TABLE: { Ref: expect.stringMatching(/^Lookup/) },
      ENRICH_KEY_COLUMN: 'uuid',
      ENRICH_KEY_ATTRIBUTE: 'id',
      ENRICH_FIELDS: '["price"]',
    });
  });

  test('is not deployed without enrichment', () => {
    const { template, processor } = synthesizeProcessor();
    expect(() => functionLogicalId(template, 'Enriches')).toThrow(/found 0/);
    expect(processor.enrichFunction).toBeUndefined();
  });
});

test('notify gets the sender, the recipients and the link expiry; no email settings without email', () => {
  const withoutEmail = environmentOf(() => ({}), 'Publishes');
  expect(withoutEmail).toMatchObject({ LINK_EXPIRY_SECONDS: '86400', EVENT_BUS_NAME: 'default' });
  expect(withoutEmail).not.toHaveProperty('EMAIL_SENDER');
  expect(withoutEmail).not.toHaveProperty('EMAIL_RECIPIENTS');
  expect(environmentOf(() => ({
    email: { sender: 'batch@example.com', recipients: ['a@example.com', 'b@example.org'] },
    linkExpiry: Duration.hours(12),
  }), 'Publishes')).toMatchObject({
    EMAIL_SENDER: 'batch@example.com',
    EMAIL_RECIPIENTS: 'a@example.com,b@example.org',
    LINK_EXPIRY_SECONDS: '43200',
  });
});

test('notify gets the configuration set named in email, which it decodes into the email settings; none when none is named', () => {
  const named = environmentOf(() => ({ email: { sender: 'batch@example.com', recipients: ['a@example.com'], configurationSetName: 'batch-mail' } }), 'Publishes');
  expect(named).toMatchObject({ EMAIL_CONFIGURATION_SET: 'batch-mail' });
  expect(NOTIFY_ENVIRONMENT.parts.email.decode(named as any)).toEqual({ sender: 'batch@example.com', recipients: ['a@example.com'], configurationSet: 'batch-mail' });
  const unnamed = environmentOf(() => ({ email: { sender: 'batch@example.com', recipients: ['a@example.com'] } }), 'Publishes');
  expect(unnamed).not.toHaveProperty('EMAIL_CONFIGURATION_SET');
  expect(NOTIFY_ENVIRONMENT.parts.email.decode(unnamed as any)?.configurationSet).toBeUndefined();
});
