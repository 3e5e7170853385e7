import { BatchResult, batchLookups, batchRequest, parseBatchAnswer, splitIntoBatches } from './batch-answer';
import { HttpCallSettings, HttpEndpoint } from './http-endpoint';
import { EnrichmentSource, Lookup, ValidRecord } from './lookup';
import { templateColumns } from './url-template';
import { mapWithConcurrency } from '../shared/concurrency-pool';
import { EnrichmentUnavailable } from '../shared/errors';

export interface HttpBatchSourceOptions extends HttpCallSettings {
  /** The URL batches are POSTed to (no `{column}` placeholders: the records travel in the body). */
  readonly url: string;
  /** Records per request. */
  readonly batchSize: number;
}

/**
 * Looks records up in batches POSTed to an HTTP endpoint, with the body and answer of a Lambda
 * enricher (`{ header, records }` → `{ results }`): one request per batch instead of one per
 * record, over the same keep-alive connections, signing, timeout and retries as the GET form.
 */
export class HttpBatchSource implements EnrichmentSource {
  readonly keyColumns: string[] = [];
  readonly answerKeys: string[] = [];
  readonly columnOrder = 'answer' as const;
  private readonly url: URL;

  constructor(private readonly options: HttpBatchSourceOptions) {
    const placeholders = templateColumns(options.url);
    if (placeholders.length > 0) {
      throw new Error(`the enrichment URL ${options.url} must not have {column} placeholders with a batch size above 1: records are POSTed in the body`);
    }
    this.url = new URL(options.url);
  }

  async lookup(header: readonly string[], records: readonly ValidRecord[]): Promise<Lookup[]> {
    const endpoint = new HttpEndpoint(this.url, this.options);
    try {
      const batches = splitIntoBatches(records, this.options.batchSize);
      const answers = await mapWithConcurrency(batches, this.options.concurrency, (batch) => this.post(endpoint, header, batch));
      return batchLookups(answers.flat(), header);
    } finally {
      endpoint.close();
    }
  }

  private async post(endpoint: HttpEndpoint, header: readonly string[], batch: ValidRecord[]): Promise<BatchResult[]> {
    const answer = await endpoint.call({ method: 'POST', url: this.url, body: JSON.stringify(batchRequest(header, batch)) });
    // A batch has no "not found" of its own: any other status means the endpoint does not take batches as sent.
    if ('status' in answer) {
      throw new EnrichmentUnavailable(`enrichment endpoint ${endpoint.host} answered HTTP ${answer.status} to a batch of ${batch.length} records`);
    }
    const results = parseBatchAnswer(answer.body, batch.length);
    if (results === undefined) {
      throw new EnrichmentUnavailable(`enrichment endpoint ${endpoint.host} must answer { results } with one entry per record (${batch.length})`);
    }
    return results;
  }
}
