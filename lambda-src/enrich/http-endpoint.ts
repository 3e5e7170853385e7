import * as http from 'node:http';
import * as https from 'node:https';
import { pastDeadline } from './deadline';
import { RequestSigner } from './request-signer';
import { systemClock } from '../shared/clock';
import { EnrichmentUnavailable } from '../shared/errors';
import { RetryOptions, RetryPolicy, TransientFailure, isRetryableStatus, withRetries } from '../shared/retry-policy';

/** How the enrichment endpoint is called, whatever the form (one GET per record or POSTed batches). */
export interface HttpCallSettings {
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly signer?: RequestSigner;
  readonly retryOptions?: RetryOptions;
}

/** A request to the endpoint: a GET, or a POST of a JSON body. */
export type EndpointRequest = { readonly method: 'GET'; readonly url: URL } | { readonly method: 'POST'; readonly url: URL; readonly body: string };

/** What the endpoint answered once retries are over: a 2xx body, or another status that is not retried. */
export type EndpointAnswer = { readonly body: string } | { readonly status: number };

/** Statuses that mean the function may not call the endpoint at all: no record would fare better. */
const refused = new Set([401, 403, 407]);

/**
 * Keep-alive connections to one HTTP endpoint (as many sockets as requests in flight), each
 * request signed when a signer is given, with a deadline covering the whole exchange and retries
 * with backoff on transient failures (5xx, 429, timeouts, network errors). Close it when done.
 */
export class HttpEndpoint {
  /** The endpoint's host, which error messages name (never a record's values). */
  readonly host: string;
  private readonly agent: http.Agent;

  constructor(url: URL, private readonly settings: HttpCallSettings) {
    this.host = url.host;
    const agentOptions = { keepAlive: true, maxSockets: settings.concurrency };
    this.agent = url.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  }

  /**
   * Sends the request until it is answered; throws `EnrichmentUnavailable` when refused, when
   * retries run out, or when the deadline (`retryOptions.deadline`) comes first.
   */
  call(request: EndpointRequest): Promise<EndpointAnswer> {
    return withRetries(
      this.settings.retry,
      () => this.attempt(request),
      (reason, attempts, outOfTime) => outOfTime
        ? pastDeadline(`enrichment endpoint ${this.host}`, { count: attempts, lastReason: reason })
        : new EnrichmentUnavailable(`enrichment endpoint ${this.host} failed ${attempts} attempts, last: ${reason}`),
      this.settings.retryOptions,
    );
  }

  close(): void {
    this.agent.destroy();
  }

  private async attempt(request: EndpointRequest): Promise<EndpointAnswer> {
    const headers: Record<string, string> = request.method === 'POST'
      ? { 'accept': 'application/json', 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(request.body)) }
      : { accept: 'application/json' };
    const body = request.method === 'POST' ? request.body : undefined;
    const signed = this.settings.signer ? await this.settings.signer({ method: request.method, url: request.url, headers, body }) : headers;
    const { status, text } = await this.exchange(request, signed, body);
    if (status >= 200 && status < 300) return { body: text };
    if (isRetryableStatus(status)) throw new TransientFailure(`HTTP ${status}`);
    if (refused.has(status)) {
      throw new EnrichmentUnavailable(`enrichment endpoint ${this.host} refused the request: HTTP ${status}`);
    }
    return { status };
  }

  /**
   * One request with a time limit covering the whole exchange (connect, headers and body): the
   * request timeout, or less when the handler's deadline comes first.
   */
  private exchange(request: EndpointRequest, headers: Record<string, string>, body: string | undefined): Promise<{ status: number; text: string }> {
    const client = request.url.protocol === 'https:' ? https : http;
    const { timeoutMs, retryOptions = {} } = this.settings;
    const untilDeadline = retryOptions.deadline === undefined ? Infinity : retryOptions.deadline - (retryOptions.now ?? systemClock.now)();
    const limitMs = Math.max(0, Math.min(timeoutMs, untilDeadline));
    const timeout = limitMs < timeoutMs ? `no answer within the ${limitMs} ms left before the deadline` : `timeout after ${timeoutMs} ms`;
    return new Promise((resolve, reject) => {
      const outgoing = client.request(request.url, { method: request.method, agent: this.agent, headers }, (response) => {
        const parts: Buffer[] = [];
        response.on('data', (part: Buffer) => parts.push(part));
        response.on('end', () => {
          disarm();
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') });
        });
        response.on('error', fail);
        response.on('close', () => {
          if (!response.complete) fail(new TransientFailure('connection closed before the whole answer arrived'));
        });
      });
      const disarm = (retryOptions.setTimer ?? systemClock.setTimer)(limitMs, () => {
        outgoing.destroy(new TransientFailure(timeout));
      });
      function fail(error: Error) {
        disarm();
        // The code (ECONNRESET) or the name, not the message: a request's URL can hold a record's values.
        const code = (error as NodeJS.ErrnoException).code;
        reject(error instanceof TransientFailure ? error : new TransientFailure(`network error ${code ?? error.name}`));
      }
      outgoing.on('error', fail);
      outgoing.end(body);
    });
  }
}
