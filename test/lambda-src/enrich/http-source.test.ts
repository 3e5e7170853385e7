import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { HttpSource } from '../../../lambda-src/enrich/http-source';
import { handler } from '../../../lambda-src/enrich-chunk';
import { formatRecord } from '../../../lambda-src/shared/csv-fields';
import { readJsonLinesArray, readText, writeJson, writeText } from '../../../lambda-src/shared/s3-objects';
import { validatedChunkJson } from '../../../lambda-src/validate/valid-output';
import { ENRICH_FINISH_RESERVE_MS } from '../../../src/contract/enrich-retries';
import { WorkFiles } from '../../../src/contract/run-layout';
import { RunPlan } from '../../../src/contract/run-payloads';
import { LocalAws, startLocalAws } from '../../support/local-aws';
import { ManualClock } from '../../support/manual-clock';

const bucket = 'enrich-http-test';
const runId = 'orders-0123456789abcdef0123';
const header = ['uuid', 'Country', 'Item Type'];
const records = [
  { line: 2, fields: ['100', 'Chad', 'Snacks'] },
  { line: 3, fields: ['404', 'Peru', 'Fruits'] }, // unknown to the endpoint
  { line: 5, fields: ['101', 'Bonaire, Sint Eustatius and Saba', 'Baby "Food"'] },
  { line: 6, fields: ['a/b c', 'Fiji', 'Meat'] },
  { line: 7, fields: ['102', 'Togo', 'Cereal'] },
];

/** Financial data by uuid; some keys fail the first time (5xx) or answer too late once. */
class FlakyEndpoint {
  readonly requests: string[] = [];
  /** Keys that answer 503 on their first request. */
  failOnce = new Set(['101', '102']);
  /** Keys whose first request hangs past the client timeout. */
  slowOnce = new Set(['a/b c']);
  alwaysFail = false;
  /** Never answer at all. */
  hang = false;
  /** A fixed status for every request, when set. */
  status?: number;
  /** Told of each request received. */
  received?: () => void;
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.answer(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const uuid = decodeURIComponent(req.url!.replace('/financials/', ''));
    this.requests.push(uuid);
    this.received?.();
    if (this.hang) return;
    if (this.alwaysFail) return void res.writeHead(500).end();
    if (this.status !== undefined) return void res.writeHead(this.status).end();
    if (this.failOnce.delete(uuid)) return void res.writeHead(503).end();
    if (this.slowOnce.delete(uuid)) return void setTimeout(() => res.writeHead(200).end('{}'), 1_500);
    if (uuid === '404') return void res.writeHead(404).end('{"message":"not found"}');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ uuid, unitsSold: uuid.length * 10, unitPrice: `${uuid}.50` }));
  }

  async close(): Promise<void> {
    const server = this.server!;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

/** What validate-chunk writes for these records. */
const validated = (valid: typeof records) => validatedChunkJson(valid.map(({ line, fields }) => ({ line, text: formatRecord(fields, ',') })));

describe('enrich-chunk with an HTTP endpoint', () => {
  let aws: LocalAws;
  let endpoint: FlakyEndpoint;
  let work: WorkFiles;

  beforeAll(async () => {
    aws = await startLocalAws({ bucket });
    process.env.BUCKET_NAME = bucket;
    process.env.LOG_LEVEL = 'error';
    work = new WorkFiles('runs/', runId);
    const plan: Partial<RunPlan> = { runId, header, delimiter: ',', input: { runId, bucket, key: 'input/orders.csv' } };
    await writeJson({ bucket, key: work.runPlanKey }, plan);
    await writeText({ bucket, key: work.validatedKey(3) }, validated(records));
  });

  beforeEach(async () => {
    endpoint = new FlakyEndpoint();
    const url = await endpoint.start();
    Object.assign(process.env, {
      ENRICHER: 'http',
      ENRICH_URL: `${url}/financials/{uuid}`,
      ENRICH_CONCURRENCY: '2',
      ENRICH_TIMEOUT_MS: '300',
      ENRICH_MAX_ATTEMPTS: '3',
    });
    delete process.env.ENRICH_FIELDS;
  });

  afterEach(() => endpoint.close());
  afterAll(() => aws.close());

  const task = { runId, chunk: { index: 3, key: 'unused', records: records.length, firstLine: 2 }, validKey: '' };
  const run = () => handler({ ...task, validKey: work.validatedKey(3) });

  test('appends the answer columns, retries transient failures and rejects 404s', async () => {
    const result = await run();
    expect(result).toEqual({ enriched: 4, rejected: 1, processedKey: work.processedKey(3) });
    const csv = await readText({ bucket, key: work.processedKey(3) });
    expect(csv).toBe([
      'uuid,Country,Item Type,unitsSold,unitPrice',
      '100,Chad,Snacks,30,100.50',
      '101,"Bonaire, Sint Eustatius and Saba","Baby ""Food""",30,101.50',
      'a/b c,Fiji,Meat,50,a/b c.50',
      '102,Togo,Cereal,30,102.50',
      '',
    ].join('\n'));
    expect(await readJsonLinesArray({ bucket, key: work.enrichmentRejectsKey(3) })).toEqual([
      { line: 3, fields: ['404', 'Peru', 'Fruits'], reasons: ['no enrichment data for uuid=404'] },
    ]);
    // 101 and 102 failed once, a/b c timed out once, 404 was asked exactly once.
    expect(endpoint.requests.filter((uuid) => uuid === '101')).toHaveLength(2);
    expect(endpoint.requests.filter((uuid) => uuid === 'a/b c')).toHaveLength(2);
    expect(endpoint.requests.filter((uuid) => uuid === '404')).toHaveLength(1);
    expect(endpoint.requests).toHaveLength(records.length + 3);
  });

  test('appends only ENRICH_FIELDS when set, and writes an empty rejects file', async () => {
    process.env.ENRICH_FIELDS = '["unitPrice"]';
    await writeText({ bucket, key: work.validatedKey(4) }, validated(records.slice(0, 1)));
    const result = await handler({ ...task, chunk: { ...task.chunk, index: 4 }, validKey: work.validatedKey(4) });
    expect(result).toEqual({ enriched: 1, rejected: 0, processedKey: work.processedKey(4) });
    expect(await readText({ bucket, key: work.processedKey(4) })).toBe('uuid,Country,Item Type,unitPrice\n100,Chad,Snacks,100.50\n');
    expect(await readText({ bucket, key: work.enrichmentRejectsKey(4) })).toBe('');
  });

  test('fails the chunk with EnrichmentUnavailable naming the host once retries run out', async () => {
    endpoint.alwaysFail = true;
    const host = new URL(process.env.ENRICH_URL!.replace('{uuid}', 'x')).host;
    const failure = run();
    await expect(failure).rejects.toMatchObject({ name: 'EnrichmentUnavailable' });
    await expect(failure).rejects.toThrow(`enrichment endpoint ${host} failed 3 attempts, last: HTTP 500`);
    await expect(failure).rejects.not.toThrow(/Chad|Peru|Snacks/);
  });

  test('gives up before the function\'s deadline, keeping the time to write the files, and fails with EnrichmentUnavailable', async () => {
    endpoint.hang = true;
    // Requests could take 5 s each, 3 times; the invocation has 400 ms left besides the time kept for writing.
    process.env.ENRICH_TIMEOUT_MS = '5000';
    const context = { getRemainingTimeInMillis: () => ENRICH_FINISH_RESERVE_MS + 400 };
    const failure = handler({ ...task, validKey: work.validatedKey(3) }, context);
    await expect(failure).rejects.toMatchObject({ name: 'EnrichmentUnavailable' });
    const gaveUp = /^enrichment endpoint 127\.0\.0\.1:\d+ did not answer before the enrich-chunk function's deadline \(1 attempts, last: no answer within the (\d+) ms left before the deadline\)$/;
    const message = await failure.then(() => '', (error: Error) => error.message);
    expect(message).toMatch(gaveUp);
    // The requests were given the 400 ms left besides the time kept for writing, not their own 5 s timeout
    // (that the wait then ends at the limit is shown with a clock of the test's, below).
    expect(Number(gaveUp.exec(message)![1])).toBeLessThanOrEqual(400);
    // Concurrency 2: the two requests in flight, none retried.
    expect(endpoint.requests).toHaveLength(2);
  });

  test('stops at once when the endpoint refuses the function (403)', async () => {
    endpoint.status = 403;
    await expect(run()).rejects.toMatchObject({ name: 'EnrichmentUnavailable', message: expect.stringContaining('refused the request: HTTP 403') });
    // Concurrency 2: no more than the requests already in flight were sent, none retried.
    expect(endpoint.requests.length).toBeLessThanOrEqual(2);
  });

  test('rejects records the endpoint answers with another client error (400), without retrying', async () => {
    endpoint.status = 400;
    const result = await run();
    expect(result).toMatchObject({ enriched: 0, rejected: records.length });
    const rejects = await readJsonLinesArray<{ reasons: string[] }>({ bucket, key: work.enrichmentRejectsKey(3) });
    expect(rejects[0].reasons).toEqual(['enrichment endpoint answered HTTP 400 for uuid=100']);
    expect(endpoint.requests).toHaveLength(records.length);
    expect(await readText({ bucket, key: work.processedKey(3) })).toBe('uuid,Country,Item Type\n');
  });
});

describe('HttpSource with a deadline', () => {
  test('cuts a request off once the time left before the deadline has passed, not at its own timeout, and tries no more', async () => {
    const endpoint = new FlakyEndpoint();
    endpoint.hang = true;
    const asked = new Promise<void>((resolve) => { endpoint.received = resolve; });
    const url = await endpoint.start();
    try {
      const clock = new ManualClock();
      const source = new HttpSource({
        urlTemplate: `${url}/financials/{uuid}`,
        concurrency: 1,
        timeoutMs: 5_000,
        retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 },
        retryOptions: { deadline: clock.now() + 400, now: clock.now, setTimer: clock.setTimer },
      });
      const lookup = source.lookup(header, records.slice(0, 1));
      await Promise.race([asked, lookup]);
      expect(clock.armed).toEqual([400]);
      clock.advance(400);
      await expect(lookup).rejects.toThrow(`enrichment endpoint ${new URL(url).host} did not answer before the enrich-chunk function's deadline (1 attempts, last: no answer within the 400 ms left before the deadline)`);
      expect(endpoint.requests).toHaveLength(1);
    } finally {
      await endpoint.close();
    }
  });
});
