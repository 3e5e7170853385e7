/**
 * What the construct writes into each handler's environment is what the handler reads, with the
 * defaults the props document. Every kind of configuration is synthesized; each function's
 * variables are resolved from the template to plausible deployed values (as the local runner
 * resolves them) and decoded by the handler's own definition of its environment, which the handler
 * calls on every invocation (src/contract/handler-environment.ts); the validator's and the
 * enricher's settings then build the handler's validator or enrichment source.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { enrichmentOf } from '../../lambda-src/enrich/enrich-config';
import { HttpBatchSource } from '../../lambda-src/enrich/http-batch-source';
import { HttpSource } from '../../lambda-src/enrich/http-source';
import { LambdaSource } from '../../lambda-src/enrich/lambda-source';
import { TableSource } from '../../lambda-src/enrich/table-source';
import { validatorOf } from '../../lambda-src/validate/validator-settings';
import { LocalEnvironment, resolveTokens } from '../../local/template/token-resolver';
import { BatchFileProcessor, BatchFileProcessorProps, HandlerLogLevel, InputEncoding, RecordEnricher, RecordValidator } from '../../src';
import { HANDLER_ENVIRONMENTS, HandlerName } from '../../src/contract/handler-environment';
import { synthesizeProcessor } from '../support/processor-template';

const LOCAL: LocalEnvironment = { region: 'eu-west-1', account: '123456789012', stackName: 'Test' };

/** Each handler's function. */
function functionsOf(processor: BatchFileProcessor): Partial<Record<HandlerName, lambda.IFunction>> {
  return {
    'trigger': processor.triggerFunction,
    'split-input': processor.splitFunction,
    'validate-chunk': processor.validateFunction,
    'enrich-chunk': processor.enrichFunction,
    'record-rejects': processor.recordRejectsFunction,
    'merge-chunks': processor.mergeFunction,
    'archive-input': processor.archiveFunction,
    'notify': processor.notifyFunction,
    'run-turns': processor.runTurnsFunction,
  };
}

/**
 * Synthesizes the processor and decodes each function's environment as its handler does. Fails
 * when a function has a variable its handler does not read.
 */
function decodedEnvironments(setup: (stack: Stack) => BatchFileProcessorProps) {
  const { stack, processor, template } = synthesizeProcessor(setup);
  const cfn = template.toJSON() as any;
  const local = (value: unknown) => resolveTokens(stack.resolve(value), cfn, LOCAL);
  const decoded: any = {};
  for (const [name, fn] of Object.entries(functionsOf(processor)) as [HandlerName, lambda.IFunction | undefined][]) {
    if (fn === undefined) continue;
    const logicalId = stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
    const variables: Record<string, string> = local(cfn.Resources[logicalId].Properties.Environment?.Variables ?? {});
    const environment = HANDLER_ENVIRONMENTS[name];
    expect([name, Object.keys(variables).filter((variable) => !environment.names.includes(variable))]).toEqual([name, []]);
    decoded[name] = environment.decode(variables);
  }
  return {
    decoded,
    bucket: local(processor.bucket.bucketName),
    stateMachineArn: local(processor.orchestrator.stateMachineArn),
    rejectsTable: local(processor.rejectedRecordsTable.tableName),
    runQueueTable: local(processor.runQueueTable.tableName),
    local,
  };
}

const userFunction = (stack: Stack, id: string) => new lambda.Function(stack, id, {
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline('exports.handler = async () => ({})'),
});

describe('with the defaults: no validator, no enrichment, no email', () => {
  test('every handler reads what the props document as their defaults', () => {
    const { decoded, bucket, stateMachineArn, rejectsTable, runQueueTable } = decodedEnvironments(() => ({}));
    const inTheBucket = { logLevel: 'info', bucket, workPrefix: 'runs/' };
    expect(decoded).toEqual({
      'trigger': { logLevel: 'info', stateMachineArn },
      'split-input': { ...inTheBucket, outputPrefix: 'output/', archivePrefix: 'archive/', chunkSize: 1000, delimiter: ',', encoding: 'utf-8' },
      'validate-chunk': { ...inTheBucket, enrichment: false, validator: { kind: 'none' } },
      'record-rejects': { ...inTheBucket, table: rejectsTable, retentionDays: 30, enrichment: false },
      'merge-chunks': { ...inTheBucket, enrichment: false },
      'archive-input': { logLevel: 'info', bucket, copyMultipartThreshold: undefined },
      'notify': { ...inTheBucket, outputPrefix: 'output/', eventBusName: 'default', linkExpirySeconds: 86_400, email: undefined },
      'run-turns': { logLevel: 'info', table: runQueueTable, maxConcurrentRuns: 10, runTimeoutSeconds: 86_400 },
    });
  });
});

describe('with every prop the handlers read set, and email', () => {
  test('every handler reads the props', () => {
    const { decoded, bucket } = decodedEnvironments(() => ({
      inputPrefix: 'in/',
      outputPrefix: 'out/',
      archivePrefix: 'done/',
      workPrefix: 'tmp/',
      logLevel: HandlerLogLevel.WARN,
      chunkSize: 250,
      delimiter: ';',
      encoding: InputEncoding.WINDOWS_1252,
      rejectedRecordRetention: Duration.days(7),
      linkExpiry: Duration.hours(12),
      email: { sender: 'batch@example.com', recipients: ['a@example.com', 'b@example.org'] },
      maxConcurrentRuns: 3,
      runTimeout: Duration.hours(2),
    }));
    const inTheBucket = { logLevel: 'warn', bucket, workPrefix: 'tmp/' };
    expect(decoded.trigger.logLevel).toBe('warn');
    expect(decoded['split-input']).toEqual({ ...inTheBucket, outputPrefix: 'out/', archivePrefix: 'done/', chunkSize: 250, delimiter: ';', encoding: 'windows-1252' });
    expect(decoded['validate-chunk']).toMatchObject(inTheBucket);
    expect(decoded['record-rejects']).toMatchObject({ ...inTheBucket, retentionDays: 7 });
    expect(decoded['merge-chunks']).toEqual({ ...inTheBucket, enrichment: false });
    expect(decoded['archive-input']).toEqual({ logLevel: 'warn', bucket });
    expect(decoded['run-turns']).toMatchObject({ logLevel: 'warn', maxConcurrentRuns: 3, runTimeoutSeconds: 7_200 });
    expect(decoded.notify).toMatchObject({
      ...inTheBucket,
      outputPrefix: 'out/',
      linkExpirySeconds: 43_200,
      email: { sender: 'batch@example.com', recipients: ['a@example.com', 'b@example.org'] },
    });
  });
});

describe('validate-chunk', () => {
  test('with a JSON Schema validator, validates against the schema', () => {
    const schema = { type: 'object', required: ['uuid'], properties: { uuid: { type: 'string', pattern: '^\\d{9}$' } } };
    const { decoded } = decodedEnvironments(() => ({ validator: RecordValidator.fromJsonSchema(schema) }));
    const { validator } = decoded['validate-chunk'];
    expect(validator.kind).toBe('json-schema');
    expect(JSON.parse(validator.schema)).toEqual(schema);
    expect(() => validatorOf(validator)).not.toThrow();
  });

  test('with a Lambda validator, calls the function in batches of 500, or of the batch size', () => {
    const { decoded } = decodedEnvironments((stack) => ({ validator: RecordValidator.fromLambda(userFunction(stack, 'Check')) }));
    expect(decoded['validate-chunk'].validator).toEqual({ kind: 'lambda', functionName: expect.stringMatching(/^arn:aws:lambda:eu-west-1:123456789012:function:Check/), batchSize: 500 });
    const sized = decodedEnvironments((stack) => ({ validator: RecordValidator.fromLambda(userFunction(stack, 'Check'), { batchSize: 100 }) }));
    expect(sized.decoded['validate-chunk'].validator.batchSize).toBe(100);
    expect(() => validatorOf(sized.decoded['validate-chunk'].validator)).not.toThrow();
  });
});

describe('enrich-chunk', () => {
  const enrichmentWith = (setup: (stack: Stack) => RecordEnricher) => {
    const { decoded } = decodedEnvironments((stack) => ({ enrichment: setup(stack) }));
    // Every step that handles the enrichment's files knows it runs: record-rejects and merge read its rejects file.
    expect([decoded['validate-chunk'].enrichment, decoded['record-rejects'].enrichment, decoded['merge-chunks'].enrichment]).toEqual([true, true, true]);
    return decoded['enrich-chunk'];
  };

  test('with an HTTP endpoint per record, calls it with the documented defaults: 16 at once, 5 s, 4 attempts, unsigned', () => {
    const { enricher } = enrichmentWith(() => RecordEnricher.fromHttpEndpoint({ url: 'https://example.com/items/{id}' }));
    expect(enricher).toEqual({
      kind: 'http', url: 'https://example.com/items/{id}', signWithIam: false, concurrency: 16, maxAttempts: 4, timeoutMs: 5_000, batchSize: undefined, fields: undefined,
    });
    expect(enrichmentOf(enricher).source).toBeInstanceOf(HttpSource);
  });

  test('with an HTTP endpoint per record, calls it with the call options', () => {
    const { enricher } = enrichmentWith(() => RecordEnricher.fromHttpEndpoint({
      url: 'https://example.com/items/{id}', signWithIam: true, concurrency: 8, maxAttempts: 3, timeout: Duration.seconds(2), fields: ['a', 'b'],
    }));
    expect(enricher).toEqual({
      kind: 'http', url: 'https://example.com/items/{id}', signWithIam: true, concurrency: 8, maxAttempts: 3, timeoutMs: 2_000, batchSize: undefined, fields: ['a', 'b'],
    });
    const enrichment = enrichmentOf(enricher, { region: LOCAL.region });
    expect(enrichment.source).toBeInstanceOf(HttpSource);
    expect(enrichment.fields).toEqual(['a', 'b']);
  });

  test('with an HTTP endpoint in batches, POSTs batches of the batch size', () => {
    const { enricher } = enrichmentWith(() => RecordEnricher.fromHttpEndpoint({ url: 'https://example.com/lookup', batchSize: 250 }));
    expect(enricher).toMatchObject({ kind: 'http', url: 'https://example.com/lookup', batchSize: 250, concurrency: 16, maxAttempts: 4, timeoutMs: 5_000 });
    expect(enrichmentOf(enricher).source).toBeInstanceOf(HttpBatchSource);
  });

  test('with a REST API, per record or in batches, calls its stage URL, signed', () => {
    const perRecord = enrichmentWith((stack) => {
      const api = new apigateway.RestApi(stack, 'Api');
      api.root.addResource('financials').addResource('{uuid}').addMethod('GET');
      return RecordEnricher.fromRestApi(api, { path: '/financials/{uuid}' });
    }).enricher;
    expect(perRecord).toMatchObject({ kind: 'http', signWithIam: true, concurrency: 16, maxAttempts: 4, timeoutMs: 5_000, batchSize: undefined });
    expect(perRecord.url).toMatch(/^https:\/\/.+\/prod\/financials\/\{uuid\}$/);
    expect(enrichmentOf(perRecord, { region: LOCAL.region }).source).toBeInstanceOf(HttpSource);

    const batched = enrichmentWith((stack) => {
      const api = new apigateway.RestApi(stack, 'Api');
      api.root.addResource('financials').addResource('batch').addMethod('POST');
      return RecordEnricher.fromRestApi(api, { path: '/financials/batch', batchSize: 100, fields: ['unitPrice'] });
    }).enricher;
    expect(batched).toMatchObject({ kind: 'http', signWithIam: true, batchSize: 100, fields: ['unitPrice'] });
    expect(batched.url).toMatch(/\/prod\/financials\/batch$/);
    expect(enrichmentOf(batched, { region: LOCAL.region }).source).toBeInstanceOf(HttpBatchSource);
  });

  test('with a Lambda function, calls it in batches of 500, 16 at once', () => {
    const { enricher } = enrichmentWith((stack) => RecordEnricher.fromLambda(userFunction(stack, 'Lookup')));
    expect(enricher).toEqual({ kind: 'lambda', functionName: expect.stringMatching(/^arn:aws:lambda:eu-west-1:123456789012:function:Lookup/), batchSize: 500, concurrency: 16 });
    expect(enrichmentOf(enricher).source).toBeInstanceOf(LambdaSource);
    const sized = enrichmentWith((stack) => RecordEnricher.fromLambda(userFunction(stack, 'Lookup'), { batchSize: 50 }));
    expect(sized.enricher.batchSize).toBe(50);
  });

  test('with a DynamoDB table, looks each key up, 16 batches at once', () => {
    const { enricher } = enrichmentWith((stack) => RecordEnricher.fromTable(
      new dynamodb.Table(stack, 'Lookup', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } }),
      { keyColumn: 'uuid', keyAttribute: 'id', fields: ['price'] }));
    expect(enricher).toEqual({ kind: 'table', tableName: expect.stringMatching(/^Lookup/), keyColumn: 'uuid', keyAttribute: 'id', concurrency: 16, fields: ['price'] });
    expect(enrichmentOf(enricher).source).toBeInstanceOf(TableSource);
    const byColumn = enrichmentWith((stack) => RecordEnricher.fromTable(
      new dynamodb.Table(stack, 'Lookup', { partitionKey: { name: 'uuid', type: dynamodb.AttributeType.STRING } }), { keyColumn: 'uuid' }));
    expect(byColumn.enricher).toMatchObject({ keyColumn: 'uuid', keyAttribute: 'uuid', fields: undefined });
  });
});
