import { Duration, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BatchFileProcessorProps, RecordEnricher, RecordValidator } from '../../src';
import { synthesizeProcessor } from '../support/processor-template';

function construct(props: BatchFileProcessorProps) {
  return () => synthesizeProcessor(() => props);
}

test('an empty props object synthesizes', () => {
  expect(construct({})).not.toThrow();
});

test.each([0, -1, 1.5])('chunkSize %p is refused', (chunkSize) => {
  expect(construct({ chunkSize })).toThrow(/chunkSize must be an integer from 1 to/);
});

test.each(['', ';;', '"', '\n', '\r', '§', '€', 'é'])('delimiter %j is refused', (delimiter) => {
  expect(construct({ delimiter })).toThrow(/delimiter must be one ASCII character \(a single byte in UTF-8\) other than/);
});

test.each([',', ';', '\t', '|', '\u0001'])('delimiter %j, one byte in UTF-8, is accepted', (delimiter) => {
  expect(construct({ delimiter })).not.toThrow();
});

test.each([0, 10_001, 2.5])('maxConcurrency %p is refused', (maxConcurrency) => {
  expect(construct({ maxConcurrency })).toThrow(/maxConcurrency must be an integer from 1 to 10000/);
});

test.each([0, 1_001, 2.5])('maxConcurrentRuns %p is refused: the turns held share one DynamoDB item', (maxConcurrentRuns) => {
  expect(construct({ maxConcurrentRuns })).toThrow(/maxConcurrentRuns must be an integer from 1 to 1000/);
});

test.each([
  [{ lambdaConcurrency: 0 }, /lambdaConcurrency must be an integer from 1 to/],
  [{ chunkFunctionsReservedConcurrency: 0 }, /chunkFunctionsReservedConcurrency must be an integer from 1 to/],
])('a concurrency below 1 is refused: %p', (props, message) => {
  expect(construct(props)).toThrow(message);
});

describe('the Lambda concurrency budget', () => {
  test('refuses, with the arithmetic, runs whose chunk executions cannot fit it', () => {
    expect(construct({ maxConcurrentRuns: 100, lambdaConcurrency: 1000 })).toThrow(
      'maxConcurrentRuns (100) × maxConcurrency (10) chunk executions × 1 concurrent invocations each + 3 for the other functions = 1003 > lambdaConcurrency (1000)');
    expect(construct({ maxConcurrentRuns: 99, lambdaConcurrency: 1000 })).not.toThrow();
    expect(construct({ maxConcurrentRuns: 100 })).not.toThrow();
  });

  test('counts the batches a Lambda enricher is sent at once from each chunk', () => {
    const props = (stack: Stack): BatchFileProcessorProps => ({
      enrichment: RecordEnricher.fromLambda(new lambda.Function(stack, 'Lookup', {
        runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})'),
      }), { batchSize: 100 }),
      maxConcurrentRuns: 10,
      lambdaConcurrency: 1000,
    });
    // 1,000 records a chunk, in 10 batches of 100, at most 16 at once: 10 of the enricher's, plus enrich-chunk's own.
    expect(() => synthesizeProcessor(props)).toThrow(/maxConcurrentRuns \(10\) × maxConcurrency \(10\) chunk executions × 11 concurrent invocations each \+ 3 for the other functions = 1103 > lambdaConcurrency \(1000\)/);
  });

  test('refuses a reserved concurrency that cannot serve every chunk execution at once', () => {
    expect(construct({ maxConcurrentRuns: 5, maxConcurrency: 20, chunkFunctionsReservedConcurrency: 99 })).toThrow(
      'chunkFunctionsReservedConcurrency (99) < maxConcurrentRuns (5) × maxConcurrency (20) = 100 chunk executions');
    expect(construct({ maxConcurrentRuns: 5, maxConcurrency: 20, chunkFunctionsReservedConcurrency: 100 })).not.toThrow();
  });

  test('refuses a reserved concurrency that, with what the runs need beside it, cannot fit the budget', () => {
    // validate and record rejects reserve 150 each; each of the 10 runs needs one more invocation outside them (its other steps).
    expect(construct({ chunkFunctionsReservedConcurrency: 150, lambdaConcurrency: 312 })).toThrow(
      'chunkFunctionsReservedConcurrency (150) × 2 chunk functions + maxConcurrentRuns (10) × 1 concurrent invocations each outside them + 3 for the other functions = 313 > lambdaConcurrency (312)');
    expect(construct({ chunkFunctionsReservedConcurrency: 150, lambdaConcurrency: 313 })).not.toThrow();
  });
});

test.each([-1, 101])('toleratedFailurePercentage %p is refused', (toleratedFailurePercentage) => {
  expect(construct({ toleratedFailurePercentage })).toThrow(/toleratedFailurePercentage must be from 0 to 100/);
});

test('memorySize outside Lambda\'s range is refused', () => {
  expect(construct({ memorySize: 64 })).toThrow(/memorySize must be an integer from 128 to 10240/);
  expect(construct({ splitAndMergeMemorySize: 10_241 })).toThrow(/splitAndMergeMemorySize must be an integer from 128 to 10240/);
});

test('retentions shorter than a day or not in whole days are refused', () => {
  expect(construct({ intermediateFileRetention: Duration.hours(12) })).toThrow(/intermediateFileRetention must be an integer from 1 to/);
  expect(construct({ rejectedRecordRetention: Duration.hours(36) })).toThrow(/rejectedRecordRetention must be an integer from 1 to/);
});

test('an intermediate file retention shorter than runTimeout + the 14-day redrive window + 1 day is refused', () => {
  expect(construct({ intermediateFileRetention: Duration.days(15) }))
    .toThrow(/intermediateFileRetention must be at least 16 days \(runTimeout rounded up to whole days, 14 days in which a stopped run can be redriven, and 1 day of margin\), got 15 days/);
  expect(construct({ runTimeout: Duration.days(30), intermediateFileRetention: Duration.days(44) })).toThrow(/intermediateFileRetention must be at least 45 days/);
  expect(construct({ runTimeout: Duration.days(30), intermediateFileRetention: Duration.days(45) })).not.toThrow();
});

test('a link expiry over 7 days is refused', () => {
  expect(construct({ linkExpiry: Duration.days(8) })).toThrow(/linkExpiry must be an integer from 1 to 604800 seconds/);
});

test('an email with no recipients, too many, or an invalid address is refused', () => {
  expect(construct({ email: { sender: 'batch@example.com', recipients: [] } })).toThrow(/email.recipients must hold 1 to 50/);
  const many = Array.from({ length: 51 }, (_, index) => `user${index}@example.com`);
  expect(construct({ email: { sender: 'batch@example.com', recipients: many } })).toThrow(/email.recipients must hold 1 to 50/);
  expect(construct({ email: { sender: 'batch@example.com', recipients: ['ops@example.com', 'nobody'] } })).toThrow(/email.recipients must be email addresses.*'nobody'/);
  expect(construct({ email: { sender: 'batch.example.com', recipients: ['ops@example.com'] } })).toThrow(/email.sender must be an email address/);
});

test('an email configuration set name SES would refuse is refused', () => {
  expect(construct({ email: { sender: 'batch@example.com', recipients: ['ops@example.com'], configurationSetName: 'batch mail' } }))
    .toThrow(/email.configurationSetName must be 1 to 64 letters, digits, '_' or '-', got 'batch mail'/);
});

test('both an existing bucket and bucket props are refused', () => {
  expect(() => synthesizeProcessor((stack) => ({
    bucket: s3.Bucket.fromBucketName(stack, 'Existing', 'existing'),
    bucketProps: { versioned: true },
  }))).toThrow(/bucket and bucketProps are mutually exclusive/);
});

test('prefixes that are empty, unterminated or nested in each other are refused', () => {
  expect(construct({ inputPrefix: '' })).toThrow(/inputPrefix must be a non-empty key prefix ending with '\/'/);
  expect(construct({ outputPrefix: 'output' })).toThrow(/outputPrefix must be a non-empty key prefix/);
  expect(construct({ archivePrefix: 'input/archive/' })).toThrow(/inputPrefix 'input\/' must not contain archivePrefix/);
  expect(construct({ workPrefix: 'output/' })).toThrow(/must not contain/);
});

test('invalid validator and enricher options are refused where they are given', () => {
  expect(construct({ validator: RecordValidator.fromJsonSchema({ description: 'x'.repeat(4000) }) })).toThrow(/RECORD_SCHEMA \d+ bytes \(validator: /);
  expect(() => RecordEnricher.fromHttpEndpoint({ url: 'https://example.com/{id}', concurrency: 0 })).toThrow(/enrichment: concurrency must be an integer from 1 to 256/);
  expect(() => RecordEnricher.fromHttpEndpoint({ url: 'https://example.com/{id}', maxAttempts: 11 })).toThrow(/enrichment: maxAttempts must be an integer from 1 to 10/);
  expect(() => RecordEnricher.fromHttpEndpoint({ url: 'https://example.com/{id}', fields: [] })).toThrow(/enrichment: fields must name at least one field/);
});

test('a batch size out of range, a batch URL with placeholders or a batch method other than POST is refused', () => {
  const api = new apigateway.RestApi(new Stack(), 'Api');
  api.root.addMethod('ANY');
  expect(() => RecordEnricher.fromHttpEndpoint({ url: 'https://example.com/batch', batchSize: 0 })).toThrow(/enrichment: batchSize must be an integer from 1 to 1000, got 0/);
  expect(() => RecordEnricher.fromHttpEndpoint({ url: 'https://example.com/batch', batchSize: 1001 })).toThrow(/enrichment: batchSize must be an integer from 1 to 1000/);
  expect(() => RecordEnricher.fromRestApi(api, { path: '/batch', batchSize: 2.5 })).toThrow(/enrichment: batchSize must be an integer/);
  expect(() => RecordEnricher.fromHttpEndpoint({ url: 'https://example.com/{id}', batchSize: 100 })).toThrow(/enrichment: url must not have \{column\} placeholders/);
  expect(() => RecordEnricher.fromRestApi(api, { path: '/financials/{uuid}', batchSize: 100 })).toThrow(/enrichment: path must not have \{column\} placeholders/);
  expect(() => RecordEnricher.fromRestApi(api, { path: '/batch', batchSize: 100, method: 'GET' })).toThrow(/enrichment: method must be POST with a batchSize above 1/);
  // A batch size of 1 is the per-record form: placeholders and GET are what it needs.
  expect(() => RecordEnricher.fromRestApi(api, { path: '/financials/{uuid}', batchSize: 1 })).not.toThrow();
});
