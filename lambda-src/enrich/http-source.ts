import { HttpCallSettings, HttpEndpoint } from './http-endpoint';
import { EnrichmentSource, Lookup, ValidRecord, noDataReason, recordKey } from './lookup';
import { checkTemplate, expandTemplate, templateColumns } from './url-template';
import { mapWithConcurrency } from '../shared/concurrency-pool';
import { EnrichmentUnavailable } from '../shared/errors';

export interface HttpSourceOptions extends HttpCallSettings {
  /** URL template with `{column}` placeholders. */
  readonly urlTemplate: string;
}

/**
 * Looks records up one GET each against an HTTP endpoint, over keep-alive connections, with
 * bounded concurrency, a per-request timeout and retries with backoff on transient failures.
 */
export class HttpSource implements EnrichmentSource {
  readonly keyColumns: string[];
  readonly answerKeys: string[];
  readonly columnOrder = 'answer' as const;

  constructor(private readonly options: HttpSourceOptions) {
    this.keyColumns = templateColumns(options.urlTemplate);
    this.answerKeys = this.keyColumns;
  }

  async lookup(header: readonly string[], records: readonly ValidRecord[]): Promise<Lookup[]> {
    checkTemplate(this.options.urlTemplate, header);
    // A template without placeholders was rejected above; any value stands in for them here.
    const endpoint = new HttpEndpoint(new URL(this.options.urlTemplate.replace(/\{[^{}]+\}/g, 'x')), this.options);
    try {
      return await mapWithConcurrency(records, this.options.concurrency, async (record) => {
        const url = new URL(expandTemplate(this.options.urlTemplate, header, record.fields));
        const answer = await endpoint.call({ method: 'GET', url });
        if ('body' in answer) return { values: parseObject(answer.body, endpoint.host) };
        if (answer.status === 404) return { reason: noDataReason(this.keyColumns, header, record.fields) };
        return { reason: `enrichment endpoint answered HTTP ${answer.status} for ${recordKey(this.keyColumns, header, record.fields)}` };
      });
    } finally {
      endpoint.close();
    }
  }
}

function parseObject(body: string, host: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new EnrichmentUnavailable(`enrichment endpoint ${host} answered something other than a JSON object`);
  }
  return parsed as Record<string, unknown>;
}
