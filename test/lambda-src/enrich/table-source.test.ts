import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { BatchGetItemCommand, BatchWriteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { TableSource } from '../../../lambda-src/enrich/table-source';
import { handler } from '../../../lambda-src/enrich-chunk';
import { formatRecord } from '../../../lambda-src/shared/csv-fields';
import { EnrichmentUnavailable } from '../../../lambda-src/shared/errors';
import { readJsonLinesArray, readText, writeJson, writeText } from '../../../lambda-src/shared/s3-objects';
import { validatedChunkJson } from '../../../lambda-src/validate/valid-output';
import { createActiveTable } from '../../../local/stand-ins/active-table';
import { WorkFiles } from '../../../src/contract/run-layout';
import { RunPlan } from '../../../src/contract/run-payloads';
import { LocalAws, startLocalAws } from '../../support/local-aws';
import { ManualClock } from '../../support/manual-clock';

const bucket = 'enrich-table-test';
const table = 'financials';
const runId = 'orders-abcdef0123456789abcd';
const header = ['Region', 'uuid'];
const known = Array.from({ length: 230 }, (_, i) => String(500000 + i));

/** What validate-chunk writes for these records. */
const validated = (valid: { line: number; fields: string[] }[]) => validatedChunkJson(valid.map(({ line, fields }) => ({ line, text: formatRecord(fields, ';') })));

describe('enrich-chunk with a DynamoDB table', () => {
  let aws: LocalAws;
  let work: WorkFiles;

  beforeAll(async () => {
    aws = await startLocalAws({ bucket, dynamodb: true });
    Object.assign(process.env, {
      BUCKET_NAME: bucket,
      LOG_LEVEL: 'error',
      ENRICHER: 'table',
      ENRICH_TABLE: table,
      ENRICH_KEY_COLUMN: 'uuid',
      ENRICH_KEY_ATTRIBUTE: 'id',
    });
    const dynamodb = new DynamoDBClient({});
    await createActiveTable(dynamodb, {
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    for (let start = 0; start < known.length; start += 25) {
      await dynamodb.send(new BatchWriteItemCommand({
        RequestItems: {
          [table]: known.slice(start, start + 25).map((id, i) => ({
            PutRequest: { Item: { id: { S: id }, unitsSold: { N: String(start + i) }, unitPrice: { N: '12.30' }, channel: { S: 'Online' } } },
          })),
        },
      }));
    }
    dynamodb.destroy();
    work = new WorkFiles('runs/', runId);
    const plan: Partial<RunPlan> = { runId, header, delimiter: ';', input: { runId, bucket, key: 'input/orders.csv' } };
    await writeJson({ bucket, key: work.runPlanKey }, plan);
  });

  afterAll(() => aws.close());

  test('appends the item attributes in name order, in more than one batch, and rejects missing keys', async () => {
    // DynamoDB stores numbers normalised (12.30 reads back as 12.3), as the real service does.
    // Every known key twice (a batch must not repeat a key), plus three unknown or empty keys.
    const uuids = [...known, ...known, '999', '', '42'];
    const records = uuids.map((uuid, i) => ({ line: i + 2, fields: [`Region ${i}`, uuid] }));
    await writeText({ bucket, key: work.validatedKey(0) }, validated(records));

    const result = await handler({ runId, chunk: { index: 0, key: 'unused', records: records.length, firstLine: 2 }, validKey: work.validatedKey(0) });

    expect(result).toEqual({ enriched: known.length * 2, rejected: 3, processedKey: work.processedKey(0) });
    const lines = (await readText({ bucket, key: work.processedKey(0) })).split('\n');
    expect(lines[0]).toBe('Region;uuid;channel;unitPrice;unitsSold');
    expect(lines[1]).toBe(`Region 0;${known[0]};Online;12.3;0`);
    expect(lines[known.length + 230]).toBe(`Region ${known.length + 229};${known[229]};Online;12.3;229`);
    expect(lines).toHaveLength(known.length * 2 + 2);
    const rejects = await readJsonLinesArray<{ line: number; reasons: string[] }>({ bucket, key: work.enrichmentRejectsKey(0) });
    expect(rejects.map((r) => [r.line, r.reasons])).toEqual([
      [known.length * 2 + 2, ['no enrichment data for uuid=999']],
      [known.length * 2 + 3, ['no enrichment data for uuid=']],
      [known.length * 2 + 4, ['no enrichment data for uuid=42']],
    ]);
  });

  test('fails with EnrichmentUnavailable naming the table when it does not exist', async () => {
    process.env.ENRICH_TABLE = 'no-such-table';
    process.env.ENRICH_MAX_ATTEMPTS = '1';
    try {
      await writeText({ bucket, key: work.validatedKey(1) }, validated([{ line: 2, fields: ['r', '1'] }]));
      const failure = handler({ runId, chunk: { index: 1, key: 'unused', records: 1, firstLine: 2 }, validKey: work.validatedKey(1) });
      await expect(failure).rejects.toMatchObject({ name: 'EnrichmentUnavailable', message: 'enrichment table no-such-table failed: ResourceNotFoundException' });
    } finally {
      process.env.ENRICH_TABLE = table;
      delete process.env.ENRICH_MAX_ATTEMPTS;
    }
  });
});

describe('TableSource', () => {
  test('asks again for unprocessed keys after a backoff, then gives up naming the table', async () => {
    const client = new DynamoDBClient({ region: 'us-east-1' });
    const mock = mockClient(client);
    const item = (id: string) => ({ id: { S: id }, price: { N: '1' } });
    mock.on(BatchGetItemCommand)
      .resolvesOnce({ Responses: { t: [item('1')] }, UnprocessedKeys: { t: { Keys: [{ id: { S: '2' } }] } } })
      .resolvesOnce({ Responses: { t: [item('2')] } });
    const delays: number[] = [];
    const source = new TableSource({
      tableName: 't',
      keyColumn: 'k',
      keyAttribute: 'id',
      concurrency: 1,
      client,
      retry: { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 1_000 },
      retryOptions: { sleep: async (ms) => { delays.push(ms); }, random: () => 0.5 },
    });
    const records = [{ line: 2, fields: ['1'] }, { line: 3, fields: ['2'] }];
    expect(await source.lookup(['k'], records)).toEqual([{ values: { id: '1', price: '1' } }, { values: { id: '2', price: '1' } }]);
    expect(mock.commandCalls(BatchGetItemCommand)[1].args[0].input.RequestItems).toEqual({ t: { Keys: [{ id: { S: '2' } }], ConsistentRead: false } });
    expect(delays).toEqual([50]);

    mock.reset();
    mock.on(BatchGetItemCommand).resolves({ UnprocessedKeys: { t: { Keys: [{ id: { S: '1' } }] } } });
    await expect(source.lookup(['k'], records)).rejects.toThrow(new EnrichmentUnavailable('enrichment table t failed 2 attempts, last: 1 keys unprocessed'));
  });
});

describe('TableSource with a deadline', () => {
  test('gives up at the deadline with EnrichmentUnavailable when the table does not answer', async () => {
    // A DynamoDB endpoint that never answers: the real SDK client waits, and retries, until stopped.
    let received: () => void = () => undefined;
    const asked = new Promise<void>((resolve) => { received = resolve; });
    const server = createServer(() => received());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    try {
      const clock = new ManualClock();
      const source = new TableSource({
        tableName: 't',
        keyColumn: 'k',
        keyAttribute: 'id',
        concurrency: 1,
        client,
        retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 },
        retryOptions: { deadline: clock.now() + 300, now: clock.now, setTimer: clock.setTimer },
      });
      const lookup = source.lookup(['k'], [{ line: 2, fields: ['1'] }]);
      await Promise.race([asked, lookup]);
      // The call is in flight, to be given up once the 300 ms left have passed.
      expect(clock.armed).toEqual([300]);
      clock.advance(300);
      await expect(lookup).rejects.toThrow(new EnrichmentUnavailable('enrichment table t did not answer before the enrich-chunk function\'s deadline'));
    } finally {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
