import * as fs from 'node:fs';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ExampleProps, LocalRunOptions, LocalRunResult, runLocally } from '../../local/run/runner';
import { BatchFileProcessor, BatchFileProcessorProps, RecordEnricher, RecordValidator } from '../../src';
import { Configuration, expectedRun, expectPublished } from '../support/expected-run';
import { tempFolder } from '../support/temp-folder';

// Every kind of validator and enricher the construct offers, run end to end through the local cloud: the
// synthesized definitions, the bundled handlers and the user's own functions (inline code), each run's
// output, rejects and rejected-records table checked against a reading of the input.
const work = tempFolder('e2e-kinds-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const input = path.join(work, 'orders.csv');
fs.writeFileSync(input, [
  'uuid,Country,Amount',
  'c1,Panama,10',
  'c2,Chad,abc',
  'c3,Peru',
  'c4,Fiji,7.5',
  'c5,"Oman, North",3',
  'c6,Laos,12',
  'c7,Mali,x1',
  'c8,Cuba,4,extra',
].join('\n') + '\n');

/** The enrichment data: every order but c4 (and the malformed c3, c8) has a customer. */
const CUSTOMERS: Record<string, { segment: string; score: string }> = {
  c1: { segment: 'retail', score: '7' },
  c2: { segment: 'wholesale', score: '3' },
  c5: { segment: 'retail', score: '9' },
  c6: { segment: 'public', score: '5' },
  c7: { segment: 'retail', score: '1' },
};
const customersCsv = path.join(work, 'customers.csv');
fs.writeFileSync(customersCsv, ['uuid,segment,score', ...Object.entries(CUSTOMERS).map(([uuid, c]) => `${uuid},${c.segment},${c.score}`)].join('\n') + '\n');

const enrichedWithCustomers = (missingReason: (record: Record<string, string>) => string) => ({
  columns: ['segment', 'score'],
  values: (record: Record<string, string>) => (CUSTOMERS[record.uuid] ? [CUSTOMERS[record.uuid].segment, CUSTOMERS[record.uuid].score] : undefined),
  missingReason,
});

/** The validator the user writes as a function: Amount must be a number. */
const VALIDATOR_CODE = `exports.handler = async ({ header, records }) => ({
  verdicts: records.map(({ fields }) => /^\\d+(\\.\\d+)?$/.test(fields[header.indexOf('Amount')])
    ? { valid: true }
    : { valid: false, reasons: ['Amount is not a number'] }),
});`;
const amountIsNumber = (record: Record<string, string>) => (/^\d+(\.\d+)?$/.test(record.Amount) ? [] : ['Amount is not a number']);

/** The enricher the user writes as a function, with its data inline. */
const ENRICHER_CODE = `const customers = ${JSON.stringify(CUSTOMERS)};
exports.handler = async ({ header, records }) => ({
  results: records.map(({ fields }) => customers[fields[header.indexOf('uuid')]] ?? null),
});`;

const EMAIL = { sender: 'pipeline@example.com', recipients: ['ops@example.com'] };

function inlineFunction(stack: Stack, id: string, code: string): lambda.Function {
  return new lambda.Function(stack, id, { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline(code) });
}

function run(name: string, processorProps: (stack: Stack) => BatchFileProcessorProps, options: Partial<LocalRunOptions> = {}) {
  return runLocally({
    input,
    outDir: path.join(work, name),
    createStack: (app: App, _props: ExampleProps) => {
      const stack = new Stack(app, 'Kinds');
      const processor = new BatchFileProcessor(stack, 'Processor', { chunkSize: 3, removalPolicy: RemovalPolicy.DESTROY, ...processorProps(stack) });
      return Object.assign(stack, { processor });
    },
    ...options,
  });
}

function expectRun(result: LocalRunResult, configuration: Configuration): void {
  expect(result.status).toBe('SUCCEEDED');
  const expected = expectedRun(input, configuration);
  expectPublished(result, expected);
  expect(result.records).toEqual({ total: 8, valid: expected.output.length - 1, rejected: expected.rejects.length });
  expect(result.chunks).toBe(3);
}

test('no validator, no enrichment, no email: only records with the wrong number of fields are rejected; nobody is emailed', async () => {
  const result = await run('none', () => ({}));
  expectRun(result, {});
  expect(result.emails).toEqual([]);
  expect(JSON.parse(fs.readFileSync(result.summary!, 'utf8'))).toMatchObject({ status: 'SUCCEEDED', records: result.records });
});

test('a validator function of the app (inline code): its verdicts reject records, with its reasons', async () => {
  const result = await run('lambda-validator', (stack) => ({
    validator: RecordValidator.fromLambda(inlineFunction(stack, 'AmountValidator', VALIDATOR_CODE), { batchSize: 2 }),
    email: EMAIL,
  }));
  expectRun(result, { validate: amountIsNumber });
  expect(result.emails).toHaveLength(1);
  expect(result.emails[0].text).toContain(result.runId);
});

describe('an HTTP endpoint outside the app', () => {
  let server: Server;
  let port: number;
  const requests: Array<{ method?: string; url?: string; headers: IncomingHttpHeaders }> = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push({ method: req.method, url: req.url, headers: req.headers });
      const customer = CUSTOMERS[decodeURIComponent(/^\/customers\/([^/?]+)$/.exec(req.url ?? '')?.[1] ?? '')];
      res.writeHead(customer ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(customer ? { score: customer.score, segment: customer.segment, since: '2020' } : { message: 'not found' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  test('per record: one SigV4-signed GET each, the chosen fields appended, a 404 rejecting the record', async () => {
    const result = await run('http-per-record', () => ({
      validator: RecordValidator.fromJsonSchema({ type: 'object', properties: { Amount: { type: 'string', pattern: '^\\d+(\\.\\d+)?$' } } }),
      enrichment: RecordEnricher.fromHttpEndpoint({ url: `http://127.0.0.1:${port}/customers/{uuid}`, signWithIam: true, fields: ['segment', 'score'] }),
      email: EMAIL,
    }));
    expectRun(result, {
      validate: (record) => (amountIsNumber(record).length ? ['Amount: must match ^\\d+(\\.\\d+)?$'] : []),
      enrich: enrichedWithCustomers((record) => `no enrichment data for uuid=${record.uuid}`),
    });
    // One GET per valid record (c1, c4, c5, c6), each signed for execute-api in the stack's region.
    expect(requests.map((r) => `${r.method} ${r.url}`).sort()).toEqual(['GET /customers/c1', 'GET /customers/c4', 'GET /customers/c5', 'GET /customers/c6']);
    for (const { headers } of requests) {
      expect(headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=\S+\/\d{8}\/us-east-1\/execute-api\/aws4_request, SignedHeaders=\S*host\S*, Signature=[0-9a-f]{64}$/);
      expect(headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    }
  });
});

test('in batches, answered from endpoint data: one POST per batch, the endpoint\'s fields in its order, null rejecting the record', async () => {
  const result = await run('http-batch', () => ({
    enrichment: RecordEnricher.fromHttpEndpoint({ url: 'https://customers.example.com/lookup', batchSize: 2, signWithIam: true }),
  }), { endpointData: customersCsv });
  expectRun(result, { enrich: enrichedWithCustomers(() => 'no enrichment data') });
});

test('an enrichment function of the app (inline code): its results appended, null rejecting the record', async () => {
  const result = await run('lambda-enricher', (stack) => ({
    validator: RecordValidator.fromLambda(inlineFunction(stack, 'AmountValidator', VALIDATOR_CODE)),
    enrichment: RecordEnricher.fromLambda(inlineFunction(stack, 'CustomerEnricher', ENRICHER_CODE), { batchSize: 2 }),
    email: EMAIL,
  }));
  expectRun(result, { validate: amountIsNumber, enrich: enrichedWithCustomers(() => 'no enrichment data') });
});

test('a DynamoDB table of the app, loaded with table data: each record looked up by its key', async () => {
  const result = await run('table-enricher', (stack) => {
    const customers = new dynamodb.Table(stack, 'Customers', {
      partitionKey: { name: 'uuid', type: dynamodb.AttributeType.STRING }, removalPolicy: RemovalPolicy.DESTROY,
    });
    return { enrichment: RecordEnricher.fromTable(customers, { keyColumn: 'uuid', fields: ['segment', 'score'] }), email: EMAIL };
  }, { tableData: [{ path: 'Kinds/Customers', file: customersCsv }] });
  expectRun(result, { enrich: enrichedWithCustomers((record) => `no enrichment data for uuid=${record.uuid}`) });
});
