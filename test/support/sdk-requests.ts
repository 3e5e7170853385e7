import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { HttpRequest } from '../../local/shared/http-request';

/**
 * A loopback server that records the requests the real AWS SDK v3 clients send to it and answers each with
 * an empty 200 (the clients' parsing of that answer may fail; the request is what the tests read).
 */
export class RequestRecorder {
  public static async start(): Promise<RequestRecorder> {
    const recorder = new RequestRecorder();
    await new Promise<void>((resolve) => recorder.server.listen(0, '127.0.0.1', () => resolve()));
    return recorder;
  }

  private requests: HttpRequest[] = [];
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: { ...req.headers }, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end();
    });
  });

  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The requests `send` made (its errors, from parsing the empty answers, are ignored). */
  public async record(send: (endpoint: string) => Promise<unknown>): Promise<HttpRequest[]> {
    this.requests = [];
    await send(this.endpoint).catch(() => undefined);
    return this.requests;
  }

  /** The one request `send` made. */
  public async one(send: (endpoint: string) => Promise<unknown>): Promise<HttpRequest> {
    const requests = await this.record(send);
    if (requests.length !== 1) throw new Error(`expected one request, got ${requests.map((r) => `${r.method} ${r.url}`).join(', ') || 'none'}`);
    return requests[0];
  }

  public close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export const TEST_CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };

/** Options every client in these tests uses: one attempt, the recorder as endpoint, plain bodies. */
export const clientOptions = (endpoint: string, credentials = TEST_CREDENTIALS) => ({
  endpoint,
  region: 'us-east-1',
  credentials,
  maxAttempts: 1,
  requestChecksumCalculation: 'WHEN_REQUIRED' as const,
  responseChecksumValidation: 'WHEN_REQUIRED' as const,
});
