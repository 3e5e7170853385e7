import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mapWithConcurrency } from './concurrency-pool';
import { EnrichmentSource, Lookup, ValidRecord, noDataReason } from './lookup';
import { EnrichmentUnavailable } from '../shared/errors';

export interface LambdaSourceOptions {
  readonly functionName: string;
  readonly batchSize: number;
  readonly concurrency: number;
  readonly client: LambdaClient;
}

/** The enrichment function's answer: one result per record, in order; null = no data. */
interface FunctionAnswer {
  readonly results: (Record<string, unknown> | null)[];
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
    const batches: ValidRecord[][] = [];
    for (let start = 0; start < records.length; start += this.options.batchSize) {
      batches.push(records.slice(start, start + this.options.batchSize));
    }
    const answers = await mapWithConcurrency(batches, this.options.concurrency, (batch) => this.invoke(header, batch));
    return answers.flat().map((values) => (values === null ? { reason: noDataReason([], header, []) } : { values }));
  }

  private async invoke(header: readonly string[], batch: ValidRecord[]): Promise<(Record<string, unknown> | null)[]> {
    const name = this.options.functionName;
    const payload = { header, records: batch.map(({ line, fields }) => ({ line, fields })) };
    let response;
    try {
      response = await this.options.client.send(new InvokeCommand({ FunctionName: name, Payload: JSON.stringify(payload) }));
    } catch (error) {
      throw new EnrichmentUnavailable(`enrichment function ${name} could not be invoked: ${(error as Error).name}`);
    }
    if (response.FunctionError !== undefined) {
      throw new EnrichmentUnavailable(`enrichment function ${name} failed: ${errorTypeOf(response.Payload)}`);
    }
    const answer = parseAnswer(response.Payload);
    if (answer === undefined || answer.results.length !== batch.length) {
      throw new EnrichmentUnavailable(`enrichment function ${name} must answer { results } with one entry per record (${batch.length})`);
    }
    return answer.results;
  }
}

function parseAnswer(payload: Uint8Array | undefined): FunctionAnswer | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(payload ?? []).toString('utf8'));
    const valid = Array.isArray(parsed?.results)
      && parsed.results.every((result: unknown) => result === null || (typeof result === 'object' && !Array.isArray(result)));
    return valid ? parsed : undefined;
  } catch {
    return undefined;
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
