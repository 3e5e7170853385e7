import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { BatchResult, batchLookups, batchRequest, parseBatchAnswer, splitIntoBatches } from './batch-answer';
import { deadlineSignal, pastDeadline } from './deadline';
import { EnrichmentSource, Lookup, ValidRecord } from './lookup';
import { mapWithConcurrency } from '../shared/concurrency-pool';
import { EnrichmentUnavailable } from '../shared/errors';

export interface LambdaSourceOptions {
  readonly functionName: string;
  readonly batchSize: number;
  readonly concurrency: number;
  readonly client: LambdaClient;
  /** Epoch milliseconds by which every invocation must have answered (the handler's deadline). @default - none */
  readonly deadline?: number;
}

/**
 * Looks records up by invoking a Lambda function with batches of records
 * (`{ header, records }` → `{ results }`). The SDK client retries throttling and service errors.
 */
export class LambdaSource implements EnrichmentSource {
  readonly keyColumns: string[] = [];
  readonly answerKeys: string[] = [];
  readonly columnOrder = 'answer' as const;

  constructor(private readonly options: LambdaSourceOptions) {}

  async lookup(header: readonly string[], records: readonly ValidRecord[]): Promise<Lookup[]> {
    const batches = splitIntoBatches(records, this.options.batchSize);
    const answers = await mapWithConcurrency(batches, this.options.concurrency, (batch) => this.invoke(header, batch));
    return batchLookups(answers.flat(), header);
  }

  private async invoke(header: readonly string[], batch: ValidRecord[]): Promise<BatchResult[]> {
    const name = this.options.functionName;
    let response;
    // The signal also stops the SDK's own retries at the deadline.
    const abortSignal = deadlineSignal(this.options.deadline);
    try {
      const invoke = new InvokeCommand({ FunctionName: name, Payload: JSON.stringify(batchRequest(header, batch)) });
      response = await this.options.client.send(invoke, { abortSignal });
    } catch (error) {
      if (abortSignal?.aborted) throw pastDeadline(`enrichment function ${name}`);
      throw new EnrichmentUnavailable(`enrichment function ${name} could not be invoked: ${(error as Error).name}`);
    }
    if (response.FunctionError !== undefined) {
      throw new EnrichmentUnavailable(`enrichment function ${name} failed: ${errorTypeOf(response.Payload)}`);
    }
    const results = parseBatchAnswer(Buffer.from(response.Payload ?? []).toString('utf8'), batch.length);
    if (results === undefined) {
      throw new EnrichmentUnavailable(`enrichment function ${name} must answer { results } with one entry per record (${batch.length})`);
    }
    return results;
  }
}

/** The error type of a function error; its message may quote records, so it is left out. */
function errorTypeOf(payload: Uint8Array | undefined): string {
  try {
    return JSON.parse(Buffer.from(payload ?? []).toString('utf8')).errorType ?? 'unknown error';
  } catch {
    return 'unknown error';
  }
}
