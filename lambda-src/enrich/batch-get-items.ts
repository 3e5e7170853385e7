import { AttributeValue, BatchGetItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { splitIntoBatches } from './batch-answer';
import { pastDeadline, untilDeadline } from './deadline';
import { mapWithConcurrency } from '../shared/concurrency-pool';
import { EnrichmentUnavailable } from '../shared/errors';
import { RetryOptions, RetryPolicy, TransientFailure, withRetries } from '../shared/retry-policy';

export interface BatchGetOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** The table's partition key attribute (type S). */
  readonly keyAttribute: string;
  /** BatchGetItem calls in flight at once. */
  readonly concurrency: number;
  readonly retry: RetryPolicy;
  readonly retryOptions?: RetryOptions;
}

/** BatchGetItem takes at most 100 keys per call. */
export const KEYS_PER_CALL = 100;

/**
 * The items of a table with a string partition key, by key: 100 distinct keys per BatchGetItem
 * call, unprocessed keys asked again with backoff. Keys without an item are absent from the map.
 * Throws `EnrichmentUnavailable` when the table fails or keeps throttling.
 */
export async function getItemsByKey(keys: readonly string[], options: BatchGetOptions): Promise<Map<string, Record<string, AttributeValue>>> {
  // DynamoDB rejects a batch that repeats a key, and cannot hold an empty string key.
  const distinct = [...new Set(keys)].filter((key) => key !== '');
  const found = new Map<string, Record<string, AttributeValue>>();
  await mapWithConcurrency(splitIntoBatches(distinct, KEYS_PER_CALL), options.concurrency, async (batch) => {
    for (const item of await getBatch(batch, options)) found.set(item[options.keyAttribute]?.S ?? '', item);
  });
  return found;
}

async function getBatch(keys: string[], options: BatchGetOptions): Promise<Record<string, AttributeValue>[]> {
  const { tableName, keyAttribute } = options;
  const items: Record<string, AttributeValue>[] = [];
  let pending: Record<string, AttributeValue>[] = keys.map((key) => ({ [keyAttribute]: { S: key } }));
  const retryOptions = options.retryOptions ?? {};
  await withRetries(
    options.retry,
    async () => {
      const response = await untilDeadline(retryOptions.deadline, retryOptions, (abortSignal) => options.client.send(new BatchGetItemCommand({
        RequestItems: { [tableName]: { Keys: pending, ConsistentRead: false } },
      }), { abortSignal }).catch((error: Error) => {
        if (abortSignal?.aborted) throw pastDeadline(`enrichment table ${tableName}`);
        // The SDK has already retried throttling and service errors by now.
        throw new EnrichmentUnavailable(`enrichment table ${tableName} failed: ${error.name}`);
      }));
      items.push(...response.Responses?.[tableName] ?? []);
      pending = response.UnprocessedKeys?.[tableName]?.Keys ?? [];
      // Unprocessed keys mean the table is throttling: back off before asking again.
      if (pending.length > 0) throw new TransientFailure(`${pending.length} keys unprocessed`);
    },
    (reason, attempts, outOfTime) => outOfTime
      ? pastDeadline(`enrichment table ${tableName}`, { count: attempts, lastReason: reason })
      : new EnrichmentUnavailable(`enrichment table ${tableName} failed ${attempts} attempts, last: ${reason}`),
    retryOptions,
  );
  return items;
}
