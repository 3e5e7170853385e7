import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { LambdaSource } from '../../../lambda-src/enrich/lambda-source';
import { LocalLambda, startLocalLambda } from '../../support/local-lambda';
import { ManualClock } from '../../support/manual-clock';

describe('LambdaSource', () => {
  // Users' enrichment functions, run behind the local Invoke API.
  const functions = {
    // A score for each record (null for id 4), and the lines of its batch, to show how records were batched.
    'scorer': `exports.handler = async ({ header, records }) => ({ results: records.map((r) => r.fields[0] === '4'
      ? null
      : { score: Number(r.fields[0]) * 10, batch: records.map((b) => b.line).join('+'), header: header.join('/') }) })`,
    'quoting-thrower': `exports.handler = async ({ records }) => {
      throw new RangeError('no figures for ' + records.map((r) => r.fields.join(',')).join('; '));
    }`,
    'one-result': 'exports.handler = async () => ({ results: [null] })',
  };
  let lambda: LocalLambda;
  beforeAll(async () => {
    lambda = await startLocalLambda(functions);
  });
  afterAll(() => lambda.close());
  const sourceOf = (functionName: string) => new LambdaSource({ functionName, batchSize: 2, concurrency: 2, client: lambda.client });
  const header = ['id'];
  const records = [1, 2, 3, 4, 5].map((n) => ({ line: n + 1, fields: [String(n)] }));

  test('sends batches of records and maps null results to rejects, in order', async () => {
    expect(await sourceOf('scorer').lookup(header, records)).toEqual([
      { values: { score: 10, batch: '2+3', header: 'id' } },
      { values: { score: 20, batch: '2+3', header: 'id' } },
      { values: { score: 30, batch: '4+5', header: 'id' } },
      { reason: 'no enrichment data' },
      { values: { score: 50, batch: '6', header: 'id' } },
    ]);
  });

  test('fails with EnrichmentUnavailable on a function error, naming its type, never its message, which may quote records', async () => {
    await expect(sourceOf('quoting-thrower').lookup(header, records)).rejects.toMatchObject({
      name: 'EnrichmentUnavailable',
      message: 'enrichment function quoting-thrower failed: RangeError',
    });
  });

  test('fails when the answer does not have one result per record', async () => {
    await expect(sourceOf('one-result').lookup(header, records)).rejects.toMatchObject({
      name: 'EnrichmentUnavailable',
      message: 'enrichment function one-result returned a malformed reply: expected { results } with one entry per record (2)',
    });
  });
});

describe('LambdaSource with a deadline', () => {
  let server: Server;
  let endpoint: string;
  /** Told of each invocation the endpoint receives. */
  let received: () => void = () => undefined;

  // A Lambda endpoint that never answers: the real SDK client waits, and retries, until stopped.
  beforeAll(async () => {
    server = createServer(() => received());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));

  test('gives up at the deadline with EnrichmentUnavailable instead of waiting for the function', async () => {
    const clock = new ManualClock();
    const client = new LambdaClient({ region: 'us-east-1', endpoint, maxAttempts: 3, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const source = new LambdaSource({ functionName: 'enricher', batchSize: 2, concurrency: 2, client, deadline: clock.now() + 300, clock });
    const invoked = new Promise<void>((resolve) => { received = resolve; });
    const lookup = source.lookup(['id'], [{ line: 2, fields: ['1'] }]);
    try {
      await Promise.race([invoked, lookup]);
      // The invocation is in flight, to be given up once the 300 ms left have passed.
      expect(clock.armed).toEqual([300]);
      clock.advance(300);
      await expect(lookup).rejects.toMatchObject({
        name: 'EnrichmentUnavailable',
        message: 'enrichment function enricher did not answer before the enrich-chunk function\'s deadline',
      });
    } finally {
      client.destroy();
    }
  });
});
