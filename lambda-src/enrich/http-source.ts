import * as http from 'node:http';
import * as https from 'node:https';
import { mapWithConcurrency } from './concurrency-pool';
import { EnrichmentSource, Lookup, ValidRecord, noDataReason, recordKey } from './lookup';
import { RequestSigner } from './request-signer';
import { RetryOptions, RetryPolicy, TransientFailure, isRetryableStatus, withRetries } from './retry-policy';
import { checkTemplate, expandTemplate, templateColumns } from './url-template';
import { EnrichmentUnavailable } from '../shared/errors';

export interface HttpSourceOptions {
  /** URL template with `{column}` placeholders. */
  readonly urlTemplate: string;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly signer?: RequestSigner;
  readonly retryOptions?: RetryOptions;
}

/** What one GET answered: a JSON object, "no data" (404), or another status that is not retried. */
type Answer = { readonly values: Record<string, unknown> } | { readonly status: number };

/** Statuses that mean the function may not call the endpoint at all: no record would fare better. */
const refused = new Set([401, 403, 407]);

/**
 * Looks records up one GET each against an HTTP endpoint, over keep-alive connections, with
 * bounded concurrency, a per-request timeout and retries with backoff on transient failures.
 */
export class HttpSource implements EnrichmentSource {
  readonly keyColumns: string[];
  readonly answerKeys: string[];
  readonly columnOrder = 'answer' as const;
  private readonly host: string;

  constructor(private readonly options: HttpSourceOptions) {
    this.keyColumns = templateColumns(options.urlTemplate);
    this.answerKeys = this.keyColumns;
    // A template without placeholders is rejected by checkTemplate; the host is needed for messages.
    this.host = new URL(options.urlTemplate.replace(/\{[^{}]+\}/g, 'x')).host;
  }

  async lookup(header: readonly string[], records: readonly ValidRecord[]): Promise<Lookup[]> {
    checkTemplate(this.options.urlTemplate, header);
    const secure = this.options.urlTemplate.startsWith('https:');
    const agentOptions = { keepAlive: true, maxSockets: this.options.concurrency };
    const agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    try {
      return await mapWithConcurrency(records, this.options.concurrency, async (record) => {
        const url = new URL(expandTemplate(this.options.urlTemplate, header, record.fields));
        const answer = await withRetries(
          this.options.retry,
          () => this.get(url, agent),
          (reason, attempts) => new EnrichmentUnavailable(`enrichment endpoint ${this.host} failed ${attempts} attempts, last: ${reason}`),
          this.options.retryOptions,
        );
        if ('values' in answer) return answer;
        if (answer.status === 404) return { reason: noDataReason(this.keyColumns, header, record.fields) };
        return { reason: `enrichment endpoint answered HTTP ${answer.status} for ${recordKey(this.keyColumns, header, record.fields)}` };
      });
    } finally {
      agent.destroy();
    }
  }

  private async get(url: URL, agent: http.Agent): Promise<Answer> {
    const headers = { accept: 'application/json' };
    const signed = this.options.signer ? await this.options.signer(url, headers) : headers;
    const { status, body } = await this.fetch(url, agent, signed);
    if (status >= 200 && status < 300) {
      return { values: this.parse(body) };
    }
    if (isRetryableStatus(status)) throw new TransientFailure(`HTTP ${status}`);
    if (refused.has(status)) {
      throw new EnrichmentUnavailable(`enrichment endpoint ${this.host} refused the request: HTTP ${status}`);
    }
    return { status };
  }

  private parse(body: string): Record<string, unknown> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new EnrichmentUnavailable(`enrichment endpoint ${this.host} answered something other than a JSON object`);
    }
    return parsed as Record<string, unknown>;
  }

  /** One GET with a deadline covering the whole exchange (connect, headers and body). */
  private fetch(url: URL, agent: http.Agent, headers: Record<string, string>): Promise<{ status: number; body: string }> {
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = client.get(url, { agent, headers }, (response) => {
        const parts: Buffer[] = [];
        response.on('data', (part: Buffer) => parts.push(part));
        response.on('end', () => {
          clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') });
        });
        response.on('error', fail);
        response.on('close', () => {
          if (!response.complete) fail(new TransientFailure('connection closed before the whole answer arrived'));
        });
      });
      const timer = setTimeout(() => {
        request.destroy(new TransientFailure(`timeout after ${this.options.timeoutMs} ms`));
      }, this.options.timeoutMs);
      function fail(error: Error) {
        clearTimeout(timer);
        const code = (error as NodeJS.ErrnoException).code;
        reject(error instanceof TransientFailure ? error : new TransientFailure(`network error ${code ?? error.message}`));
      }
      request.on('error', fail);
    });
  }
}
