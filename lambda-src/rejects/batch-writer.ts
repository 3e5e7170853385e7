/**
 * BatchWriteItem in batches of 25 (the API's limit) with a few batches in flight, retrying the
 * UnprocessedItems that DynamoDB hands back under throttling, with backoff.
 */
import { AttributeValue, BatchWriteItemCommand, WriteRequest } from '@aws-sdk/client-dynamodb';
import { dynamoDbClient } from '../shared/aws-clients';
import { mapWithConcurrency } from '../shared/concurrency-pool';
import { backoffDelay } from '../shared/retry-policy';

export const BATCH_LIMIT = 25;

export type SendBatch = (table: string, requests: WriteRequest[]) => Promise<WriteRequest[]>;

const sendBatchWrite: SendBatch = async (table, requests) => {
  const reply = await dynamoDbClient().send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
  return reply.UnprocessedItems?.[table] ?? [];
};

export interface BatchWriteOptions {
  /** Batches in flight at once. @default 4 */
  readonly concurrency?: number;
  /** Attempts per batch before giving up. @default 8 */
  readonly maxAttempts?: number;
  readonly send?: SendBatch;
  readonly sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Puts every item; a put overwrites an item with the same key, so a retried run is harmless. */
export async function putItems(table: string, items: readonly Record<string, AttributeValue>[], options: BatchWriteOptions = {}): Promise<void> {
  const send = options.send ?? sendBatchWrite;
  const sleep = options.sleep ?? sleepFor;
  const maxAttempts = options.maxAttempts ?? 8;
  const batches: WriteRequest[][] = [];
  for (let i = 0; i < items.length; i += BATCH_LIMIT) {
    batches.push(items.slice(i, i + BATCH_LIMIT).map((Item) => ({ PutRequest: { Item } })));
  }
  await mapWithConcurrency(batches, options.concurrency ?? 4, async (batch) => {
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > maxAttempts) {
        throw new Error(`DynamoDB left ${pending.length} of ${batch.length} items of a batch unprocessed after ${maxAttempts} attempts (table ${table})`);
      }
      if (attempt > 1) await sleep(backoffDelay({ maxAttempts, baseDelayMs: 50, maxDelayMs: 2_000 }, attempt - 1));
      pending = await send(table, pending);
    }
  });
}
