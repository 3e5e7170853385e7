/**
 * The run queue in its DynamoDB table (src/run-queue.ts), one partition per kind of item:
 * - `turns` / `held`: the turns held, a string set of `<runId>@<attempt>@<deadline>`. One item, so that taking a
 *   turn is one conditional ADD: `size()` of a set is its number of elements, and a condition and
 *   its update are one atomic write
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html,
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html).
 *   DynamoDB keeps an item within 400 KB: the construct allows at most 1,000 turns (of about 80 bytes).
 * - `queue` / `<ticket>#<runId>`: the runs waiting, in upload order.
 * - `released` / `<runId>`: the attempt of the run last released.
 * Entries and marks expire (`expiresAt`, the table's time to live). TTL deletes them days later at
 * most, and until then they are still read
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html): the logic
 * judges `expiresAt` itself.
 */
import {
  AttributeValue, DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand, QueryCommandInput, UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { RunQueueStore, Turn, WaitingEntry } from './queue-store';
import { RUN_QUEUE_KEYS, RUN_QUEUE_TTL_ATTRIBUTE } from '../../src/contract/run-turns';

const { partitionKey: KIND, sortKey: ID } = RUN_QUEUE_KEYS;
const TURNS = { [KIND]: { S: 'turns' }, [ID]: { S: 'held' } };
const QUEUE = 'queue';
const RELEASED = 'released';

/** Expressions name every attribute by a placeholder, so that none can clash with DynamoDB's reserved words. */
const TURNS_SET = { '#turns': 'turns' };

const number = (value: number): AttributeValue => ({ N: String(value) });
const turnMember = (turn: Turn) => `${turn.runId}@${turn.attempt}@${turn.deadline}`;

/** Read from the end: an execution named by hand may hold an `@`. */
function turnOf(member: string): Turn {
  const parts = member.split('@');
  const deadline = Number(parts.pop());
  const attempt = Number(parts.pop());
  return { runId: parts.join('@'), attempt, deadline };
}

function entryOf(item: Record<string, AttributeValue>): WaitingEntry {
  return {
    key: item[ID].S!,
    runId: item.runId.S!,
    attempt: Number(item.attempt.N),
    queuedAt: Number(item.queuedAt.N),
    expiresAt: Number(item[RUN_QUEUE_TTL_ATTRIBUTE].N),
  };
}

const refused = (error: unknown) => (error as Error).name === 'ConditionalCheckFailedException';

/** Runs `write`; false when its condition failed, any other error thrown. */
async function conditionally(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (refused(error)) return false;
    throw error;
  }
}

export class DynamoDbQueueStore implements RunQueueStore {
  constructor(private readonly client: DynamoDBClient, private readonly table: string) {}

  async turns(): Promise<Turn[]> {
    const reply = await this.client.send(new GetItemCommand({ TableName: this.table, Key: TURNS, ConsistentRead: true }));
    return (reply.Item?.turns?.SS ?? []).map(turnOf);
  }

  async takeTurn(turn: Turn, max: number): Promise<boolean> {
    const member = turnMember(turn);
    return conditionally(() => this.client.send(new UpdateItemCommand({
      TableName: this.table,
      Key: TURNS,
      UpdateExpression: 'ADD #turns :turn',
      ConditionExpression: 'attribute_not_exists(#turns) OR size(#turns) < :max OR contains(#turns, :member)',
      ExpressionAttributeNames: TURNS_SET,
      ExpressionAttributeValues: { ':turn': { SS: [member] }, ':member': { S: member }, ':max': number(max) },
    })));
  }

  async dropTurns(turns: readonly Turn[]): Promise<void> {
    // Conditional, so that dropping from no set at all does not create an empty item.
    await conditionally(() => this.client.send(new UpdateItemCommand({
      TableName: this.table,
      Key: TURNS,
      UpdateExpression: 'DELETE #turns :turns',
      ConditionExpression: 'attribute_exists(#turns)',
      ExpressionAttributeNames: TURNS_SET,
      ExpressionAttributeValues: { ':turns': { SS: turns.map(turnMember) } },
    })));
  }

  async entry(key: string): Promise<WaitingEntry | undefined> {
    const reply = await this.client.send(new GetItemCommand({ TableName: this.table, Key: this.queueKey(key), ConsistentRead: true }));
    return reply.Item && entryOf(reply.Item);
  }

  async join(entry: WaitingEntry, nowSeconds: number): Promise<boolean> {
    return conditionally(() => this.client.send(new PutItemCommand({
      TableName: this.table,
      Item: {
        ...this.queueKey(entry.key),
        runId: { S: entry.runId },
        attempt: number(entry.attempt),
        queuedAt: number(entry.queuedAt),
        [RUN_QUEUE_TTL_ATTRIBUTE]: number(entry.expiresAt),
      },
      ConditionExpression: 'attribute_not_exists(#id) OR #expiresAt <= :now',
      ExpressionAttributeNames: { '#id': ID, '#expiresAt': RUN_QUEUE_TTL_ATTRIBUTE },
      ExpressionAttributeValues: { ':now': number(nowSeconds) },
    })));
  }

  async leave(keys: readonly string[]): Promise<void> {
    for (const key of keys) await this.client.send(new DeleteItemCommand({ TableName: this.table, Key: this.queueKey(key) }));
  }

  async countAhead(key: string, nowSeconds: number, holding: ReadonlySet<string>, limit: number): Promise<number> {
    let count = 0;
    // Pages of what is still to be counted, so a long queue is read only as far as the answer needs.
    for await (const items of this.queuePages({ before: key, pageSize: () => limit - count })) {
      count += items.map(entryOf).filter((entry) => entry.expiresAt > nowSeconds && !holding.has(entry.runId)).length;
      if (count >= limit) break;
    }
    return Math.min(count, limit);
  }

  async entries(): Promise<WaitingEntry[]> {
    const entries: WaitingEntry[] = [];
    for await (const items of this.queuePages({})) entries.push(...items.map(entryOf));
    return entries;
  }

  async markReleased(runId: string, redriveCount: number, expiresAt: number): Promise<boolean> {
    return conditionally(() => this.client.send(new PutItemCommand({
      TableName: this.table,
      Item: { [KIND]: { S: RELEASED }, [ID]: { S: runId }, redriveCount: number(redriveCount), [RUN_QUEUE_TTL_ATTRIBUTE]: number(expiresAt) },
      ConditionExpression: 'attribute_not_exists(#id) OR #attempt <= :attempt',
      ExpressionAttributeNames: { '#id': ID, '#attempt': 'redriveCount' },
      ExpressionAttributeValues: { ':attempt': number(redriveCount) },
    })));
  }

  async releasedAttempt(runId: string): Promise<number | undefined> {
    const key = { [KIND]: { S: RELEASED }, [ID]: { S: runId } };
    const reply = await this.client.send(new GetItemCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
    const attempt = reply.Item?.redriveCount?.N;
    return attempt === undefined ? undefined : Number(attempt);
  }

  private queueKey(key: string): Record<string, AttributeValue> {
    return { [KIND]: { S: QUEUE }, [ID]: { S: key } };
  }

  /** The queue's items in key order, page by page; with `before`, only those before that key. */
  private async *queuePages(options: { before?: string; pageSize?: () => number }): AsyncGenerator<Record<string, AttributeValue>[]> {
    const input: QueryCommandInput = {
      TableName: this.table,
      ConsistentRead: true,
      KeyConditionExpression: options.before === undefined ? '#kind = :queue' : '#kind = :queue AND #id < :before',
      ExpressionAttributeNames: { '#kind': KIND, '#id': ID, '#runId': 'runId', '#attempt': 'attempt', '#queuedAt': 'queuedAt', '#expiresAt': RUN_QUEUE_TTL_ATTRIBUTE },
      ExpressionAttributeValues: { ':queue': { S: QUEUE }, ...options.before === undefined ? {} : { ':before': { S: options.before } } },
      ProjectionExpression: '#id, #runId, #attempt, #queuedAt, #expiresAt',
    };
    let start: Record<string, AttributeValue> | undefined;
    do {
      const reply = await this.client.send(new QueryCommand({ ...input, ExclusiveStartKey: start, Limit: options.pageSize?.() }));
      yield reply.Items ?? [];
      start = reply.LastEvaluatedKey;
    } while (start !== undefined);
  }
}
