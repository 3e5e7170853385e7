import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { enrichRecords } from '../../../lambda-src/enrich/enrich-records';
import { HttpBatchSource, HttpBatchSourceOptions } from '../../../lambda-src/enrich/http-batch-source';
import { OutgoingRequest } from '../../../lambda-src/enrich/request-signer';
import { formatRecord } from '../../../lambda-src/shared/csv-fields';

const header = ['uuid', 'Country'];
const records = [
  { line: 2, fields: ['100', 'Chad'] },
  { line: 3, fields: ['404', 'Peru'] }, // unknown to the endpoint
  { line: 5, fields: ['101', 'Bonaire, "Saba"'] },
  { line: 6, fields: ['102', 'Fiji'] },
  { line: 8, fields: ['103', 'Togo'] },
];

interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: any;
}

/** A batch endpoint on 127.0.0.1: `{ header, records }` → `{ results }`, with scripted failures. */
class BatchEndpoint {
  readonly received: Received[] = [];
  /** Statuses answered to the next requests, in turn, before answering normally. */
  readonly failures: number[] = [];
  /** Replaces the normal answer's body when set. */
  reply?: string;
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.answer(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/prod/financials/batch`;
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(parts).toString('utf8'));
      this.received.push({ method: req.method!, path: req.url!, headers: req.headers, body });
      const failure = this.failures.shift();
      if (failure !== undefined) return void res.writeHead(failure).end();
      res.writeHead(200, { 'content-type': 'application/json' });
      const uuidAt = body.header.indexOf('uuid');
      const results = body.records.map(({ fields }: { fields: string[] }) => {
        const uuid = fields[uuidAt];
        return uuid === '404' ? null : { uuid, unitsSold: Number(uuid) * 2, unitPrice: `${uuid}.50` };
      });
      res.end(this.reply ?? JSON.stringify({ results }));
    });
  }

  async close(): Promise<void> {
    const server = this.server!;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

describe('HttpBatchSource', () => {
  let endpoint: BatchEndpoint;
  let url: string;
  const sleeps: number[] = [];
  const source = (options: Partial<HttpBatchSourceOptions> = {}) => new HttpBatchSource({
    url,
    batchSize: 2,
    concurrency: 2,
    timeoutMs: 1_000,
    retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 },
    retryOptions: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
    ...options,
  });

  beforeEach(async () => {
    endpoint = new BatchEndpoint();
    url = await endpoint.start();
    sleeps.length = 0;
  });
  afterEach(() => endpoint.close());

  test('POSTs the records in batches as JSON and keeps the results in record order', async () => {
    const lookups = await source().lookup(header, records);
    expect(lookups).toEqual([
      { values: { uuid: '100', unitsSold: 200, unitPrice: '100.50' } },
      { reason: 'no enrichment data' },
      { values: { uuid: '101', unitsSold: 202, unitPrice: '101.50' } },
      { values: { uuid: '102', unitsSold: 204, unitPrice: '102.50' } },
      { values: { uuid: '103', unitsSold: 206, unitPrice: '103.50' } },
    ]);
    expect(endpoint.received.map((r) => [r.method, r.path])).toEqual(Array(3).fill(['POST', '/prod/financials/batch']));
    expect(endpoint.received[0].headers['content-type']).toBe('application/json');
    const sent = endpoint.received.map((r) => r.body).sort((a, b) => a.records[0].line - b.records[0].line);
    expect(sent).toEqual([
      { header, records: records.slice(0, 2) },
      { header, records: records.slice(2, 4) },
      { header, records: records.slice(4) },
    ]);
  });

  test('rejects the records answered null with the no-data reason, and appends the others', async () => {
    const validated = records.map((record) => ({ ...record, text: formatRecord(record.fields, ',') }));
    const chunk = await enrichRecords(source(), header, validated, { delimiter: ',', fields: ['unitsSold', 'unitPrice'] });
    expect(chunk.header).toEqual(['uuid', 'Country', 'unitsSold', 'unitPrice']);
    expect(chunk.csv).toBe('uuid,Country,unitsSold,unitPrice\n100,Chad,200,100.50\n101,"Bonaire, ""Saba""",202,101.50\n102,Fiji,204,102.50\n103,Togo,206,103.50\n');
    expect(chunk.rejects).toEqual([{ line: 3, fields: ['404', 'Peru'], reasons: ['no enrichment data'] }]);
    // Only each record's line and fields are sent, not its text.
    expect(endpoint.received.flatMap((r) => r.body.records).sort((a, b) => a.line - b.line)).toEqual(records);
  });

  test('retries a batch answered 503, with backoff, then takes its answer', async () => {
    endpoint.failures.push(503);
    const lookups = await source({ concurrency: 1 }).lookup(header, records);
    expect(lookups.filter((lookup) => 'values' in lookup)).toHaveLength(4);
    expect(endpoint.received).toHaveLength(3 + 1);
    // The failed request and its retry carried the same batch.
    expect(endpoint.received[1].body).toEqual(endpoint.received[0].body);
    expect(sleeps).toEqual([50]);
  });

  test('fails with EnrichmentUnavailable naming the host once retries run out', async () => {
    endpoint.failures.push(500, 500, 500);
    const failure = source({ concurrency: 1 }).lookup(header, records);
    await expect(failure).rejects.toMatchObject({ name: 'EnrichmentUnavailable' });
    await expect(failure).rejects.toThrow(`enrichment endpoint ${new URL(url).host} failed 3 attempts, last: HTTP 500`);
  });

  test.each([
    ['not JSON', 'Internal error'],
    ['no results', '{"items":[]}'],
    ['too few results', '{"results":[null]}'],
    ['a result that is not an object', '{"results":[1,null]}'],
  ])('fails clearly on a malformed reply (%s)', async (_case, reply) => {
    endpoint.reply = reply;
    await expect(source().lookup(header, records)).rejects.toMatchObject({
      name: 'EnrichmentUnavailable',
      message: `enrichment endpoint ${new URL(url).host} must answer { results } with one entry per record (2)`,
    });
  });

  test('fails on a status that is neither success nor transient, without retrying', async () => {
    endpoint.failures.push(400, 400);
    await expect(source().lookup(header, records)).rejects.toThrow(/answered HTTP 400 to a batch of 2 records/);
    expect(sleeps).toEqual([]);
  });

  test('signs each POST over the body it sends', async () => {
    const signed: OutgoingRequest[] = [];
    const signer = async (request: OutgoingRequest) => {
      signed.push(request);
      return { ...request.headers, authorization: `signed ${request.body!.length}` };
    };
    await source({ signer, batchSize: 5 }).lookup(header, records);
    expect(signed).toHaveLength(1);
    expect(signed[0]).toMatchObject({ method: 'POST', url: new URL(url) });
    expect(JSON.parse(signed[0].body!)).toEqual(endpoint.received[0].body);
    expect(endpoint.received[0].headers.authorization).toBe(`signed ${signed[0].body!.length}`);
  });

  test('refuses a URL with {column} placeholders', () => {
    expect(() => source({ url: `${url}/{uuid}` })).toThrow(/must not have \{column\} placeholders/);
  });
});
