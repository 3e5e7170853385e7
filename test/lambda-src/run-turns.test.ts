/**
 * run-turns against in-process DynamoDB (dynalite): the handler as TakeTurn and the status-change rule
 * call it, and the store's conditional writes and paged reads, which the logic's tests (turns/) fake.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { handler } from '../../lambda-src/run-turns';
import { dynamoDbClient } from '../../lambda-src/shared/aws-clients';
import { DynamoDbQueueStore } from '../../lambda-src/turns/dynamodb-queue-store';
import { queueKey } from '../../lambda-src/turns/queue-store';
import { createActiveTable } from '../../local/stand-ins/active-table';
import { ExecutionStatusChange, RunRequest } from '../../src/contract/run-payloads';
import { RUN_QUEUE_KEYS, TakeTurnRequest, uploadTicket } from '../../src/contract/run-turns';
import { LocalAws, startLocalAws } from '../support/local-aws';

const table = 'run-queue';
const stateMachineArn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:ProcessorOrchestrator-x1';
let aws: LocalAws;
let dynamodb: DynamoDBClient;
let tables = 0;

beforeAll(async () => {
  aws = await startLocalAws({ bucket: 'unused', dynamodb: true });
  dynamodb = new DynamoDBClient({});
});

afterAll(async () => {
  dynamoDbClient().destroy();
  dynamodb.destroy();
  await aws.close();
});

/** A fresh, empty queue table for each test, named in the handler's environment. */
async function freshTable(maxConcurrentRuns: number): Promise<string> {
  const name = `${table}-${++tables}`;
  await createActiveTable(dynamodb, {
    TableName: name,
    KeySchema: [{ AttributeName: RUN_QUEUE_KEYS.partitionKey, KeyType: 'HASH' }, { AttributeName: RUN_QUEUE_KEYS.sortKey, KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: RUN_QUEUE_KEYS.partitionKey, AttributeType: 'S' }, { AttributeName: RUN_QUEUE_KEYS.sortKey, AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  Object.assign(process.env, { RUN_QUEUE_TABLE: name, MAX_CONCURRENT_RUNS: String(maxConcurrentRuns), RUN_TIMEOUT_SECONDS: '86400', LOG_LEVEL: 'error' });
  return name;
}

function run(runId: string, second: number): RunRequest {
  return { runId, bucket: 'b', key: `input/${runId}.csv`, ticket: uploadTicket(`2025-03-01T08:00:${String(second).padStart(2, '0')}.000Z`, '0062E99A88DC407460') };
}

function takeTurn(request: RunRequest, redriveCount = 0): TakeTurnRequest {
  return { run: request, executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${request.runId}`, startTime: '2025-03-01T08:00:00.000Z', redriveCount };
}

function ended(runId: string, status: ExecutionStatusChange['detail']['status'], redriveCount = 0): ExecutionStatusChange {
  return {
    'detail-type': 'Step Functions Execution Status Change',
    'source': 'aws.states',
    'detail': { executionArn: `${stateMachineArn}:${runId}`, stateMachineArn, name: runId, status, redriveCount },
  };
}

/** The embedded-metric lines the handler prints during `call`. */
async function metricsOf<T>(call: () => Promise<T>): Promise<{ result: T; lines: any[] }> {
  const lines: any[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((text) => {
    if (String(text).includes('"_aws"')) lines.push(JSON.parse(String(text)));
    return true;
  });
  try {
    return { result: await call(), lines };
  } finally {
    write.mockRestore();
  }
}

describe('the handler', () => {
  test('admits maxConcurrentRuns runs, tells the next to wait, and admits it once a run ends', async () => {
    await freshTable(2);
    expect(await handler(takeTurn(run('a', 1)))).toEqual({ admitted: true, waitSeconds: 0 });
    expect(await handler(takeTurn(run('b', 2)))).toEqual({ admitted: true, waitSeconds: 0 });
    const refused = await handler(takeTurn(run('c', 3)));
    expect(refused).toEqual({ admitted: false, waitSeconds: expect.any(Number) });
    expect((refused as { waitSeconds: number }).waitSeconds).toBeGreaterThanOrEqual(3);
    expect((refused as { waitSeconds: number }).waitSeconds).toBeLessThanOrEqual(5);
    expect(await handler(ended('a', 'SUCCEEDED'))).toEqual({ released: true });
    expect(await handler(takeTurn(run('c', 3)))).toEqual({ admitted: true, waitSeconds: 0 });
  });

  test('prints the queue\'s counts as metrics of the orchestrator, in the embedded metric format', async () => {
    await freshTable(1);
    await handler(takeTurn(run('a', 1)));
    const waiting = await metricsOf(() => handler(takeTurn(run('b', 2))));
    expect(waiting.lines).toEqual([expect.objectContaining({
      _aws: expect.objectContaining({
        CloudWatchMetrics: [{ Namespace: 'CdkBatchFileProcessor', Dimensions: [['StateMachine']], Metrics: [{ Name: 'RunsRunning', Unit: 'Count' }, { Name: 'RunsWaiting', Unit: 'Count' }] }],
      }),
      StateMachine: 'ProcessorOrchestrator-x1',
      RunsRunning: 1,
      RunsWaiting: 1,
    })]);
    const released = await metricsOf(() => handler(ended('a', 'ABORTED')));
    expect(released.lines).toEqual([expect.objectContaining({ StateMachine: 'ProcessorOrchestrator-x1', RunsRunning: 0, RunsWaiting: 1 })]);
  });

  test('a run started without a ticket (StartExecution by hand) queues by its execution\'s start time', async () => {
    await freshTable(1);
    await handler(takeTurn(run('a', 1)));
    const byHand = { ...takeTurn({ runId: 'manual', bucket: 'b', key: 'input/m.csv' }), startTime: '2025-03-01T08:00:02Z' };
    await handler(byHand);
    const store = new DynamoDbQueueStore(dynamodb, process.env.RUN_QUEUE_TABLE!);
    expect((await store.entries()).map((entry) => entry.key)).toEqual([queueKey('2025-03-01T08:00:02.000Z', 'manual')]);
  });

  test('however many runs ask at once, no more than maxConcurrentRuns are admitted', async () => {
    await freshTable(3);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => handler(takeTurn(run(`r${i}`, i)))));
    expect(answers.filter((answer) => (answer as { admitted: boolean }).admitted)).toHaveLength(3);
  });
});

describe('the DynamoDB store', () => {
  const entry = (runId: string, second: number, expiresAt = 2_000_000_000) =>
    ({ key: queueKey(run(runId, second).ticket!, runId), runId, attempt: 0, queuedAt: 0, expiresAt });

  test('takes a turn only while fewer than max are held, or when it holds it already', async () => {
    const store = new DynamoDbQueueStore(dynamodb, await freshTable(2));
    const turn = (runId: string) => ({ runId, attempt: 0, deadline: 2_000_000_000 });
    expect(await store.takeTurn(turn('a'), 2)).toBe(true);
    expect(await store.takeTurn(turn('b'), 2)).toBe(true);
    expect(await store.takeTurn(turn('c'), 2)).toBe(false);
    expect(await store.takeTurn(turn('a'), 2)).toBe(true);
    await store.dropTurns([turn('a'), turn('never-held')]);
    expect((await store.turns()).map((held) => held.runId)).toEqual(['b']);
  });

  test('reads a turn back whole, even for a run id with an @ (an execution named by hand)', async () => {
    const store = new DynamoDbQueueStore(dynamodb, await freshTable(2));
    await store.takeTurn({ runId: 'me@example', attempt: 2, deadline: 1_900_000_000 }, 2);
    expect(await store.turns()).toEqual([{ runId: 'me@example', attempt: 2, deadline: 1_900_000_000 }]);
  });

  test('dropping turns from no set creates no item', async () => {
    const name = await freshTable(1);
    await new DynamoDbQueueStore(dynamodb, name).dropTurns([{ runId: 'a', attempt: 0, deadline: 1 }]);
    const item = await dynamodb.send(new GetItemCommand({ TableName: name, Key: { kind: { S: 'turns' }, id: { S: 'held' } } }));
    expect(item.Item).toBeUndefined();
  });

  test('joins unless a live entry is there; counts the live runs ahead that hold no turn, reading no further than the limit needs', async () => {
    const store = new DynamoDbQueueStore(dynamodb, await freshTable(2));
    expect(await store.join(entry('a', 1), 1_000)).toBe(true);
    expect(await store.join(entry('a', 1), 1_000)).toBe(false);
    expect(await store.join(entry('expired', 2, 500), 1_000)).toBe(true);
    for (const [runId, second] of [['b', 3], ['c', 4], ['d', 5], ['e', 6]] as const) await store.join(entry(runId, second), 1_000);
    const key = entry('e', 6).key;
    // a, b, c, d are ahead of e; the expired entry and d, which holds a turn, do not count.
    expect(await store.countAhead(key, 1_000, new Set(['d']), 10)).toBe(3);
    const send = jest.spyOn(dynamodb, 'send');
    expect(await store.countAhead(key, 1_000, new Set(['d']), 2)).toBe(2);
    // a and the expired entry, then b: pages of what is still to count, not the whole queue.
    expect(send.mock.calls.map(([command]) => (command.input as { Limit?: number }).Limit)).toEqual([2, 1]);
    send.mockRestore();
    expect(await store.countAhead(entry('a', 1).key, 1_000, new Set(), 2)).toBe(0);
    expect((await store.entries()).map((queued) => queued.runId)).toEqual(['a', 'expired', 'b', 'c', 'd', 'e']);
    await store.leave([key, entry('c', 4).key]);
    expect((await store.entries()).map((queued) => queued.runId)).toEqual(['a', 'expired', 'b', 'd']);
  });

  test('marks a released attempt, refusing a mark older than the one there', async () => {
    const store = new DynamoDbQueueStore(dynamodb, await freshTable(1));
    expect(await store.releasedAttempt('a')).toBeUndefined();
    expect(await store.markReleased('a', 1, 2_000_000_000)).toBe(true);
    expect(await store.markReleased('a', 1, 2_000_000_000)).toBe(true);
    expect(await store.markReleased('a', 0, 2_000_000_000)).toBe(false);
    expect(await store.releasedAttempt('a')).toBe(1);
  });
});
