import { AttributeValue, BatchGetItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mapWithConcurrency } from './concurrency-pool';
import { EnrichmentSource, Lookup, ValidRecord, noDataReason } from './lookup';
import { RetryOptions, RetryPolicy, TransientFailure, withRetries } from './retry-policy';
import { EnrichmentUnavailable } from '../shared/errors';

export interface TableSourceOptions {
  readonly tableName: string;
  /** The record column whose value is the item's key. */
  readonly keyColumn: string;
  /** The table's partition key attribute (type S). */
  readonly keyAttribute: string;
  readonly concurrency: number;
  readonly retry: RetryPolicy;
  readonly client: DynamoDBClient;
  readonly retryOptions?: RetryOptions;
}

/** BatchGetItem takes at most 100 keys per call. */
const keysPerCall = 100;

/** A DynamoDB attribute as CSV text: numbers keep their exact decimal text. */
export function attributeText(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return value.N;
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.SS !== undefined) return value.SS;
  if (value.NS !== undefined) return value.NS;
  if (value.L !== undefined) return value.L.map(attributeText);
  if (value.M !== undefined) return itemValues(value.M);
  if (value.B !== undefined) return Buffer.from(value.B).toString('base64');
  return null;
}

function itemValues(item: Record<string, AttributeValue>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, attributeText(value)]));
}

/** Looks records up by key in a DynamoDB table, 100 distinct keys per BatchGetItem call. */
export class TableSource implements EnrichmentSource {
  readonly keyColumns: string[];
  readonly answerKeys: string[];
  readonly columnOrder = 'name' as const;

  constructor(private readonly options: TableSourceOptions) {
    this.keyColumns = [options.keyColumn];
    this.answerKeys = [options.keyAttribute];
  }

  async lookup(header: readonly string[], records: readonly ValidRecord[]): Promise<Lookup[]> {
    const column = header.indexOf(this.options.keyColumn);
    if (column < 0) throw new Error(`ENRICH_KEY_COLUMN ${this.options.keyColumn} is not a column of the header`);
    const keyOf = (record: ValidRecord) => record.fields[column] ?? '';
    // DynamoDB rejects a batch that repeats a key, and cannot hold an empty string key.
    const keys = [...new Set(records.map(keyOf))].filter((key) => key !== '');
    const batches: string[][] = [];
    for (let start = 0; start < keys.length; start += keysPerCall) batches.push(keys.slice(start, start + keysPerCall));
    const found = new Map<string, Record<string, unknown>>();
    await mapWithConcurrency(batches, this.options.concurrency, async (batch) => {
      for (const [key, values] of await this.getBatch(batch)) found.set(key, values);
    });
    return records.map((record) => {
      const values = found.get(keyOf(record));
      return values ? { values } : { reason: noDataReason(this.keyColumns, header, record.fields) };
    });
  }

  private async getBatch(keys: string[]): Promise<Map<string, Record<string, unknown>>> {
    const { tableName, keyAttribute } = this.options;
    const found = new Map<string, Record<string, unknown>>();
    let pending: Record<string, AttributeValue>[] = keys.map((key) => ({ [keyAttribute]: { S: key } }));
    await withRetries(
      this.options.retry,
      async () => {
        const response = await this.options.client.send(new BatchGetItemCommand({
          RequestItems: { [tableName]: { Keys: pending, ConsistentRead: false } },
        })).catch((error: Error) => {
          // The SDK has already retried throttling and service errors by now.
          throw new EnrichmentUnavailable(`enrichment table ${tableName} failed: ${error.name}`);
        });
        for (const item of response.Responses?.[tableName] ?? []) {
          found.set(item[keyAttribute]?.S ?? '', itemValues(item));
        }
        pending = response.UnprocessedKeys?.[tableName]?.Keys ?? [];
        // Unprocessed keys mean the table is throttling: back off before asking again.
        if (pending.length > 0) throw new TransientFailure(`${pending.length} keys unprocessed`);
      },
      (reason, attempts) => new EnrichmentUnavailable(`enrichment table ${tableName} failed ${attempts} attempts, last: ${reason}`),
      this.options.retryOptions,
    );
    return found;
  }
}
