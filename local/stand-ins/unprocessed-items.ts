/**
 * The `ddb` fault: DynamoDB under pressure. BatchWriteItem and BatchGetItem process part of a request and hand the
 * rest back as `UnprocessedItems` / `UnprocessedKeys`, for the caller to send again with backoff
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html,
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html). Each request or key is
 * held back with the fault's probability, but never all of them: when none can be processed DynamoDB answers
 * ProvisionedThroughputExceededException instead, which the SDK itself retries (not what this fault exercises).
 */

const BATCH_WRITE = 'DynamoDB_20120810.BatchWriteItem';
const BATCH_GET = 'DynamoDB_20120810.BatchGetItem';

/** What the stand-in processes of a batch request, and what it answers as unprocessed. */
export interface HeldBack {
  /** The request with only the parts to process. */
  readonly processed: any;
  /** Per table, what goes into `UnprocessedItems` (write requests) or `UnprocessedKeys` (a keys-and-attributes entry). */
  readonly unprocessed: Record<string, any>;
  /** Write requests and keys held back. */
  readonly count: number;
}

/** Whether a request's target is one this fault applies to. */
export function isBatchRequest(target: string): boolean {
  return target === BATCH_WRITE || target === BATCH_GET;
}

/**
 * Draws, for each write request or key of a batch, whether it is held back (`random() < rate`). Undefined when
 * nothing is: the request goes through as it came. The first entry drawn to be kept, or the first of all when every
 * draw held back, is always processed.
 */
export function holdBack(target: string, request: any, rate: number, random: () => number): HeldBack | undefined {
  if (!isBatchRequest(target) || !(rate > 0)) return undefined;
  const write = target === BATCH_WRITE;
  const tables = Object.entries<any>(request.RequestItems ?? {});
  const entries = tables.flatMap(([table, items]) => (write ? items : items.Keys ?? [])
    .map((entry: unknown) => ({ table, entry, held: random() < rate })));
  if (!entries.some((e) => e.held)) return undefined;
  if (entries.every((e) => e.held)) entries[0].held = false;
  const processed: Record<string, any> = {};
  const unprocessed: Record<string, any> = {};
  for (const [table, items] of tables) {
    const kept = entries.filter((e) => e.table === table && !e.held).map((e) => e.entry);
    const held = entries.filter((e) => e.table === table && e.held).map((e) => e.entry);
    if (kept.length > 0) processed[table] = write ? kept : { ...items, Keys: kept };
    if (held.length > 0) unprocessed[table] = write ? held : { ...items, Keys: held };
  }
  return { processed: { ...request, RequestItems: processed }, unprocessed, count: entries.filter((e) => e.held).length };
}

/** The stand-in's answer to the processed part, with what was held back added as unprocessed. */
export function withUnprocessed(target: string, response: any, unprocessed: Record<string, any>): any {
  if (target === BATCH_WRITE) {
    const items: Record<string, any[]> = { ...response.UnprocessedItems };
    for (const [table, requests] of Object.entries<any[]>(unprocessed)) items[table] = [...items[table] ?? [], ...requests];
    return { ...response, UnprocessedItems: items };
  }
  const keys: Record<string, any> = { ...response.UnprocessedKeys };
  for (const [table, entry] of Object.entries<any>(unprocessed)) {
    keys[table] = { ...entry, Keys: [...keys[table]?.Keys ?? [], ...entry.Keys] };
  }
  return { ...response, UnprocessedKeys: keys };
}
