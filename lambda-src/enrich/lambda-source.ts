import { LambdaClient } from '@aws-sdk/client-lambda';
import { BatchResult, batchLookups, batchRequest, batchResultsOf, splitIntoBatches } from './batch-answer';
import { pastDeadline, untilDeadline } from './deadline';
import { EnrichmentSource, Lookup, ValidRecord } from './lookup';
import { BatchFunction } from '../shared/batch-invoke';
import { Clock } from '../shared/clock';
import { mapWithConcurrency } from '../shared/concurrency-pool';
import { EnrichmentUnavailable } from '../shared/errors';

export interface LambdaSourceOptions {
  readonly functionName: string;
  readonly batchSize: number;
  readonly concurrency: number;
  readonly client: LambdaClient;
  /** Epoch milliseconds by which every invocation must have answered (the handler's deadline). @default - none */
  readonly deadline?: number;
  /** The clock the deadline is kept with. @default - the system's */
  readonly clock?: Clock;
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
    const reply = await untilDeadline(this.options.deadline, this.options.clock ?? {}, (abortSignal) =>
      this.fn.invoke(batchRequest(header, batch), { abortSignal, whenAborted: () => pastDeadline(`enrichment function ${this.options.functionName}`) }));
    const results = batchResultsOf(reply, batch.length);
    if (results === undefined) throw this.fn.malformed(`expected { results } with one entry per record (${batch.length})`);
    return results;
  }
}
