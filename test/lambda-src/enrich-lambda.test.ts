import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { LambdaSource } from '../../lambda-src/enrich/lambda-source';

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)) as any;
const decode = (payload: unknown) => JSON.parse(Buffer.from(payload as Uint8Array).toString('utf8'));

describe('LambdaSource', () => {
  const client = new LambdaClient({ region: 'us-east-1' });
  const mock = mockClient(client);
  const source = new LambdaSource({ functionName: 'enricher', batchSize: 2, concurrency: 2, client });
  const header = ['id'];
  const records = [1, 2, 3, 4, 5].map((n) => ({ line: n + 1, fields: [String(n)] }));

  beforeEach(() => mock.reset());

  test('sends batches of records and maps null results to rejects, in order', async () => {
    mock.on(InvokeCommand).callsFake(async (input) => {
      const { records: batch } = decode(input.Payload);
      return { StatusCode: 200, Payload: encode({ results: batch.map((r: any) => (r.fields[0] === '4' ? null : { score: Number(r.fields[0]) * 10 })) }) };
    });
    expect(await source.lookup(header, records)).toEqual([
      { values: { score: 10 } }, { values: { score: 20 } }, { values: { score: 30 } }, { reason: 'no enrichment data' }, { values: { score: 50 } },
    ]);
    const payloads = mock.commandCalls(InvokeCommand).map((call) => decode(call.args[0].input.Payload));
    expect(payloads.map((p) => p.records.map((r: any) => r.line))).toEqual([[2, 3], [4, 5], [6]]);
    expect(payloads[0].header).toEqual(header);
    expect(mock.commandCalls(InvokeCommand)[0].args[0].input.FunctionName).toBe('enricher');
  });

  test('fails with EnrichmentUnavailable on a function error, without its message', async () => {
    mock.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: encode({ errorType: 'TypeError', errorMessage: 'bad record 3' }) });
    await expect(source.lookup(header, records)).rejects.toMatchObject({
      name: 'EnrichmentUnavailable',
      message: 'enrichment function enricher failed: TypeError',
    });
  });

  test('fails when the answer does not have one result per record', async () => {
    mock.on(InvokeCommand).resolves({ StatusCode: 200, Payload: encode({ results: [null] }) });
    await expect(source.lookup(header, records)).rejects.toThrow(/one entry per record \(2\)/);
  });
});

describe('LambdaSource with a deadline', () => {
  let server: Server;
  let endpoint: string;

  // A Lambda endpoint that never answers: the real SDK client waits, and retries, until stopped.
  beforeAll(async () => {
    server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));

  test('gives up at the deadline with EnrichmentUnavailable instead of waiting for the function', async () => {
    const client = new LambdaClient({ region: 'us-east-1', endpoint, maxAttempts: 3, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const source = new LambdaSource({ functionName: 'enricher', batchSize: 2, concurrency: 2, client, deadline: Date.now() + 300 });
    const started = Date.now();
    await expect(source.lookup(['id'], [{ line: 2, fields: ['1'] }])).rejects.toMatchObject({
      name: 'EnrichmentUnavailable',
      message: 'enrichment function enricher did not answer before the enrich-chunk function\'s deadline',
    });
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
