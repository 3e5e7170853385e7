import { LambdaClient } from '@aws-sdk/client-lambda';
import { BatchResult, batchLookups, batchRequest, batchResultsOf, splitIntoBatches } from './batch-answer';
import { EnrichmentSource, Lookup, ValidRecord } from './lookup';
import { BatchFunction } from '../shared/batch-invoke';
import { mapWithConcurrency } from '../shared/concurrency-pool';
import { EnrichmentUnavailable } from '../shared/errors';

export interface LambdaSourceOptions {
  readonly functionName: string;
  readonly batchSize: number;
  readonly concurrency: number;
  readonly client: LambdaClient;
}

/**
 * Looks records up by invoking a Lambda function with batches of records
 * (`{ header, records }` → `{ results }`). The SDK client retries throttling and service errors.
 */
export class LambdaSource implements EnrichmentSource {
  readonly keyColumns: string[] = [];
  readonly answerKeys: string[] = [];
  readonly columnOrder = 'answer' as const;
  private readonly fn: BatchFunction;

  constructor(private readonly options: LambdaSourceOptions) {
    this.fn = new BatchFunction({
      functionName: options.functionName,
      describedAs: 'enrichment function',
      error: (message) => new EnrichmentUnavailable(message),
      client: options.client,
    });
  }

  async lookup(header: readonly string[], records: readonly ValidRecord[]): Promise<Lookup[]> {
    const batches = splitIntoBatches(records, this.options.batchSize);
    const answers = await mapWithConcurrency(batches, this.options.concurrency, (batch) => this.invoke(header, batch));
    return batchLookups(answers.flat(), header);
  }

  private async invoke(header: readonly string[], batch: ValidRecord[]): Promise<BatchResult[]> {
    const results = batchResultsOf(await this.fn.invoke(batchRequest(header, batch)), batch.length);
    if (results === undefined) throw this.fn.malformed(`expected { results } with one entry per record (${batch.length})`);
    return results;
  }
}
