import * as fs from 'node:fs';
import * as path from 'node:path';
import { AwsSdkTasks } from '../../../local/engine/aws-sdk-tasks';
import { ExecutionRecord } from '../../../local/engine/execution-record';
import { LocalStepFunctions } from '../../../local/engine/step-functions';
import { LambdaHost } from '../../../local/lambda/lambda-host';
import { LocalFunction } from '../../../local/template/function-code';
import { LAMBDA_INVOCATION_ERRORS } from '../../../src/handler-task';
import { tempFolder } from '../../support/temp-folder';

// StopExecution, RedriveExecution, timeouts and status changes of the local Step Functions.
const arn = 'arn:aws:states:us-east-1:000000000000:stateMachine:Steps';
const lambda = new LambdaHost([], { baseEnvironment: {}, functionArn: (name) => name });
const sdk = new AwsSdkTasks(() => ({}));
afterAll(() => sdk.close());

/** One state machine, told of its status changes. */
function service(definition: object, onStatusChange?: (record: ExecutionRecord) => void) {
  return new LocalStepFunctions([{ arn, name: 'Steps', type: 'STANDARD', definition }], {
    lambda, sdk, readItems: async () => [], writeResults: async () => undefined, onStatusChange,
  });
}

test('waitStateMs replaces every Wait state\'s wait, SecondsPath and Timestamp ones included, nested ones too', async () => {
  const inAnHour = { Type: 'Wait', SecondsPath: '$.seconds', Next: 'Until' };
  const definition = {
    StartAt: 'Fork',
    States: {
      Fork: {
        Type: 'Parallel',
        End: true,
        Branches: [{ StartAt: 'InAnHour', States: { InAnHour: inAnHour, Until: { Type: 'Wait', Timestamp: '2999-01-01T00:00:00Z', End: true } } }],
      },
    },
  };
  const sfn = new LocalStepFunctions([{ arn, name: 'Steps', type: 'STANDARD', definition }], {
    lambda, sdk, readItems: async () => [], writeResults: async () => undefined, waitStateMs: 0,
  });
  // As defined, the execution would wait an hour and then until 2999: the test's timeout would end it first.
  const record = await sfn.startExecution(arn, { seconds: 3_600 }, 'waits').done;
  expect(record.status).toBe('SUCCEEDED');
});

test('a failed execution is redriven from the state that failed, with that state\'s input, and counts its redrives', async () => {
  let failing = true;
  const statuses: string[] = [];
  const definition = {
    StartAt: 'First',
    States: {
      First: { Type: 'Pass', Result: 'first ran', ResultPath: '$.first', Next: 'Check' },
      Check: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:sts:getCallerIdentity', ResultPath: '$.identity', Next: 'Done' },
      Done: { Type: 'Pass', Parameters: { 'first.$': '$.first', 'redrives.$': '$$.Execution.RedriveCount' }, End: true },
    },
  };
  const sfn = service(definition, (record) => statuses.push(record.status));
  // The Task fails while `failing` holds: its local implementation is replaced for the test.
  (sfn as any).runTask = async function runTask(this: unknown, state: any, ...rest: unknown[]) {
    if (state.Resource.endsWith('getCallerIdentity')) {
      if (failing) throw Object.assign(new Error('the service is down'), { name: 'Sts.ServiceUnavailable' });
      return { Account: '000000000000' };
    }
    return (LocalStepFunctions.prototype as any).runTask.call(this, state, ...rest);
  };
  const record = sfn.startExecution(arn, { runId: 'r' }, 'run-1');
  await record.done;
  expect(record.status).toBe('FAILED');
  expect(record.error).toBe('Sts.ServiceUnavailable');
  expect(record.resumeAt).toEqual({ name: 'Check', input: { runId: 'r', first: 'first ran' } });

  failing = false;
  sfn.redriveExecution(record.executionArn);
  await record.done;
  expect([record.status, record.error, record.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
  expect(record.redriveCount).toBe(1);
  expect(record.output).toEqual({ first: 'first ran', redrives: 1 });
  expect(statuses).toEqual(['RUNNING', 'FAILED', 'RUNNING', 'SUCCEEDED']);
  const entered = record.history.filter((e) => e.stateEnteredEventDetails).map((e) => e.stateEnteredEventDetails!.name);
  // The redrive does not run First again.
  expect(entered).toEqual(['First', 'Check', 'Check', 'Done']);
  expect(() => sfn.redriveExecution(record.executionArn)).toThrow(expect.objectContaining({ name: 'ExecutionNotRedrivable' }));
});

test('StopExecution aborts a running execution at the state it was in; a state machine\'s TimeoutSeconds times it out', async () => {
  const sfn = service({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:sts:getCallerIdentity', End: true } } });
  // The Task runs until its execution ends: stopped once the Task has started, the execution is in it, however slow the machine.
  let started!: () => void;
  const working = new Promise<void>((resolve) => { started = resolve; });
  (sfn as any).runTask = (...args: unknown[]) => {
    const ended = args[6] as AbortSignal;
    started();
    return new Promise((_, reject) => ended.addEventListener('abort', () => reject(new Error('the execution ended')), { once: true }));
  };
  const record = sfn.startExecution(arn, {}, 'to-stop');
  await working;
  sfn.stopExecution(record.executionArn);
  await record.done;
  expect(record.status).toBe('ABORTED');
  expect(record.resumeAt?.name).toBe('Work');

  const waiting = { StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 30, End: true } } };
  const timed = service({ ...waiting, TimeoutSeconds: 1 }).startExecution(arn, {}, 'timed');
  await timed.done;
  expect(timed.status).toBe('TIMED_OUT');
  expect(timed.error).toBe('States.Timeout');
});

describe('executions that end while their Distributed Map runs, and the service closing', () => {
  // A function that does not answer within the test: its invocations are running when the execution ends.
  const BUNDLE = 'exports.handler = () => new Promise((resolve) => setTimeout(resolve, 600_000));';
  const ITEMS = 6;
  /** A Distributed Map of Express children, two at a time, each a Lambda Task retried on any error. */
  const mapOfChunks = {
    StartAt: 'Chunks',
    States: {
      Chunks: {
        Type: 'Map',
        ItemsPath: '$.items',
        MaxConcurrency: 2,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
          StartAt: 'Work',
          States: {
            Work: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke',
              Parameters: { 'FunctionName': 'slow', 'Payload.$': '$' },
              Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 3 }],
              End: true,
            },
          },
        },
        End: true,
      },
    },
  };
  let dir: string;
  let host: LambdaHost;
  /**
   * The invocations this test's executions asked its host for (counted when asked, before a container takes them),
   * and waiters for a count. Each test has its own: an execution left running by another cannot add to them.
   */
  let calls: { count: number; waiters: Array<{ count: number; reached: () => void }> };
  const invocationsReach = (count: number) => new Promise<void>((reached) => {
    calls.waiters.push({ count, reached });
  });
  let progress: Array<{ total: number; done: number; failed: number }>;

  beforeAll(() => {
    dir = tempFolder('sfn-close-test-');
    fs.writeFileSync(path.join(dir, 'index.js'), BUNDLE);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    const fn: LocalFunction = { name: 'slow', entry: path.join(dir, 'index.js'), handlerExport: 'handler', environment: {}, timeoutSeconds: 900, memoryMb: 128, architecture: 'x86_64' };
    host = new LambdaHost([fn], { baseEnvironment: {}, functionArn: (name) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`, maxContainersPerFunction: 2 });
    const invoke = host.invoke.bind(host);
    const counted: typeof calls = { count: 0, waiters: [] };
    calls = counted;
    host.invoke = (...args) => {
      counted.count++;
      for (const waiter of counted.waiters) if (counted.count === waiter.count) waiter.reached();
      return invoke(...args);
    };
    progress = [];
  });
  afterEach(() => host.close());

  const chunksService = () => {
    const seen = progress;
    return new LocalStepFunctions([{ arn, name: 'Steps', type: 'STANDARD', definition: mapOfChunks }], {
      lambda: host, sdk, readItems: async () => [], writeResults: async () => undefined, retryIntervalMs: 1, onMapProgress: (p) => seen.push(p),
    });
  };
  const items = { items: Array.from({ length: ITEMS }, (_, chunk) => ({ chunk })) };
  /**
   * The timers set from now on that have neither fired nor been cleared. Counting every Timeout of the process
   * (getActiveResourcesInfo) also counted jest's and Node's own, which come and go: 2 runs in 8 saw one more.
   */
  function pendingTimers(): Set<NodeJS.Timeout> {
    const pending = new Set<NodeJS.Timeout>();
    const { setTimeout: set, clearTimeout: clear } = global;
    jest.spyOn(global, 'setTimeout').mockImplementation(((callback: (...args: any[]) => void, ms?: number, ...args: any[]) => {
      const timer = set((...given: any[]) => {
        pending.delete(timer);
        callback(...given);
      }, ms, ...args);
      pending.add(timer);
      return timer;
    }) as typeof setTimeout);
    jest.spyOn(global, 'clearTimeout').mockImplementation(((timer: NodeJS.Timeout) => {
      pending.delete(timer);
      clear(timer);
    }) as typeof clearTimeout);
    return pending;
  }
  afterEach(() => jest.restoreAllMocks());

  test('StopExecution aborts the Map Run: its running children are stopped, no other starts, and their Tasks are not retried', async () => {
    const sfn = chunksService();
    // Warm containers: the invocations reach the handler.
    await host.warmUp('slow', 2);
    const twoRunning = invocationsReach(2);
    const record = sfn.startExecution(arn, items, 'stopped');
    await twoRunning;
    sfn.stopExecution(record.executionArn);
    await record.done;
    expect(record.status).toBe('ABORTED');
    // The invocations go on, as a Lambda does when the execution that called it stops, until the host ends them
    // (Runtime.ExitError, which the Retry matches): the children have ended, so no retry is made.
    await host.close();
    await sfn.settled();
    expect(progress[progress.length - 1]).toMatchObject({ total: ITEMS, done: 2, failed: 2 });
    expect(calls.count).toBe(2);
  }, 30_000);

  test('stop() stops every execution, Map children included, and once the Lambda host has ended their invocations, nothing is left to run', async () => {
    const sfn = chunksService();
    await host.warmUp('slow', 2);
    const pending = pendingTimers();
    const twoRunning = invocationsReach(2);
    const record = sfn.startExecution(arn, items, 'closing');
    await twoRunning;
    // What LocalCloud.close() does: the work first, then the invocations it waits on, then wait for all of it to settle.
    sfn.stop();
    await host.close();
    await sfn.settled();
    expect(record.status).toBe('ABORTED');
    expect(record.history[record.history.length - 1].type).toBe('ExecutionAborted');
    // The running children were stopped with it, and no other started.
    expect(progress[progress.length - 1]).toMatchObject({ total: ITEMS, done: 2, failed: 2 });
    expect(calls.count).toBe(2);
    // Nothing left that could start anything later: no timer of the engine (a Task's timeout, an execution's, a
    // retry's wait) is pending, and the service refuses new work.
    expect(pending.size).toBe(0);
    expect(() => sfn.startExecution(arn, items, 'after-close')).toThrow(expect.objectContaining({ name: 'ServiceUnavailable' }));
    await expect(host.invoke('slow', {})).rejects.toMatchObject({ name: 'Lambda.ServiceException' });
    expect(calls.count).toBe(3);
  }, 30_000);
});

describe('a Lambda Task that times out fails with the names AWS reports, which the chunk steps\' retrier names', () => {
  // Loads slowly (a cold start's init, which the function's timeout does not count), then waits as asked.
  const BUNDLE = `
const end = Date.now() + 1500;
while (Date.now() < end);
exports.handler = async (event) => { await new Promise((resolve) => setTimeout(resolve, event.waitMs)); return 'done'; };
`;
  let dir: string;
  let host: LambdaHost;
  beforeAll(() => {
    dir = tempFolder('lambda-task-timeouts-');
    fs.writeFileSync(path.join(dir, 'index.js'), BUNDLE);
  });
  afterEach(() => host?.close());
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A Task invoking `fn` (timeout 2 s) with `waitMs`, retried once on the chunk steps' invocation errors; the error it ends with is caught as its output. */
  function invoking(taskTimeoutSeconds?: number) {
    const fn: LocalFunction = { name: 'fn', entry: path.join(dir, 'index.js'), handlerExport: 'handler', environment: {}, timeoutSeconds: 2, memoryMb: 256, architecture: 'x86_64' };
    host = new LambdaHost([fn], { baseEnvironment: {}, functionArn: (name) => name });
    const definition = {
      StartAt: 'Invoke',
      States: {
        Invoke: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { 'FunctionName': 'fn', 'Payload.$': '$' },
          ...(taskTimeoutSeconds === undefined ? {} : { TimeoutSeconds: taskTimeoutSeconds }),
          OutputPath: '$.Payload',
          Retry: [{ ErrorEquals: LAMBDA_INVOCATION_ERRORS, MaxAttempts: 1 }],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed' }],
          End: true,
        },
        Failed: { Type: 'Pass', End: true },
      },
    };
    // A second's wait before the retry: the first invocation has ended by then and its container is warm.
    return new LocalStepFunctions([{ arn, name: 'Steps', type: 'STANDARD', definition }], {
      lambda: host, sdk, retryIntervalMs: 1_500, readItems: async () => [], writeResults: async () => undefined,
    });
  }

  test('past the function\'s timeout, Sandbox.Timedout (the function\'s error type), retried by the chunk steps', async () => {
    const record = await invoking().startExecution(arn, { waitMs: 3_000 }, 'function-timeout').done;
    expect(record.output).toEqual({ Error: 'Sandbox.Timedout', Cause: JSON.stringify({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 2.00 seconds' }) });
    expect(host.usage.invocations).toBe(2);
  }, 30_000);

  test('a Task whose TimeoutSeconds is the function\'s timeout ends first, with States.Timeout, on a cold start; retried, it runs warm', async () => {
    // Cold: 1.5 s of init and 1.2 s of handler pass the Task's 2 s, not the function's (its timeout starts after init).
    const record = await invoking(2).startExecution(arn, { waitMs: 1_200 }, 'cold-start').done;
    expect(record.output).toBe('done');
    expect(host.usage.invocations).toBe(2);
  }, 30_000);
});
