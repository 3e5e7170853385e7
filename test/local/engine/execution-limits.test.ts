import { InvalidName, SFNClient, StartExecutionCommand, ValidationException } from '@aws-sdk/client-sfn';
import { startServiceEndpoints } from '../../../local/api/service-endpoints';
import { AwsSdkTasks } from '../../../local/engine/aws-sdk-tasks';
import { LocalEventBridge } from '../../../local/engine/event-bridge';
import { PAYLOAD_LIMIT_BYTES } from '../../../local/engine/execution-limits';
import { LocalStepFunctions, LocalStepFunctionsOptions } from '../../../local/engine/step-functions';
import { AsyncInvocations } from '../../../local/lambda/async-invocation';
import { LambdaHost } from '../../../local/lambda/lambda-host';
import { LocalQueues } from '../../../local/stand-ins/sqs-queues';

// The limits AWS puts on executions, crossed one by one: each fails as AWS fails.
const arn = 'arn:aws:states:us-east-1:000000000000:stateMachine:Steps';
const lambda = new LambdaHost([], { baseEnvironment: {}, functionArn: (name) => name });
const sdk = new AwsSdkTasks(() => ({}));
afterAll(() => sdk.close());

function service(definition: object, type: 'STANDARD' | 'EXPRESS' = 'STANDARD', options: Partial<LocalStepFunctionsOptions> = {}) {
  return new LocalStepFunctions([{ arn, name: 'Steps', type, definition }], {
    lambda, sdk, readItems: async () => [], writeResults: async () => undefined, ...options,
  });
}

const FETCH = 'arn:aws:states:::aws-sdk:sts:getCallerIdentity';

describe('256 KiB per state input and output', () => {
  // Fetch's result is caught by nothing, whatever Catch it has; After never runs once the limit is crossed.
  const definition = {
    StartAt: 'Fetch',
    States: {
      Fetch: { Type: 'Task', Resource: FETCH, ResultPath: '$.fetched', Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Caught' }], Next: 'After' },
      After: { Type: 'Task', Resource: FETCH, ResultPath: null, End: true },
      Caught: { Type: 'Pass', End: true },
    },
  };

  /** The service with the Task's integration answering `result` (its local implementation replaced for the test). */
  function fetching(result: unknown) {
    const sfn = service(definition);
    const calls: string[] = [];
    (sfn as any).runTask = async (_state: unknown, stateName: string) => {
      calls.push(stateName);
      return result;
    };
    return { sfn, calls };
  }

  test.each([
    ['a Task result', {}, 'x'.repeat(300_000)],
    ['a state output (the result at its ResultPath)', { carried: 'c'.repeat(200_000) }, 'x'.repeat(100_000)],
  ])('%s over 262,144 bytes fails the execution with States.DataLimitExceeded, not caught by States.ALL', async (_what, input, result) => {
    const { sfn, calls } = fetching(result);
    const record = await sfn.startExecution(arn, input).done;
    expect(record.status).toBe('FAILED');
    expect(record.error).toBe('States.DataLimitExceeded');
    expect(record.cause).toContain("The state/task 'Fetch' returned a result with a size exceeding the maximum number of bytes service limit");
    expect(calls).toEqual(['Fetch']);
    expect(record.history.map((e) => e.stateEnteredEventDetails?.name ?? e.type)).toEqual(['Fetch', 'ExecutionFailed']);
    expect(record.output).toBeUndefined();
  });

  test('under the limit the same definition runs on', async () => {
    const { sfn, calls } = fetching('x'.repeat(100_000));
    const record = await sfn.startExecution(arn, { carried: 'c'.repeat(100_000) }).done;
    expect(record.status).toBe('SUCCEEDED');
    expect(calls).toEqual(['Fetch', 'After']);
  });

  test('a Task input over the limit after Parameters fails the state before its integration is called', async () => {
    const doubling = {
      StartAt: 'Send',
      States: { Send: { Type: 'Task', Resource: FETCH, Parameters: { 'a.$': '$.blob', 'b.$': '$.blob' }, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], End: true }, Caught: { Type: 'Pass', End: true } },
    };
    const sfn = service(doubling);
    let called = false;
    (sfn as any).runTask = async () => { called = true; return {}; };
    const record = await sfn.startExecution(arn, { blob: 'b'.repeat(150_000) }).done;
    expect([record.status, record.error]).toEqual(['FAILED', 'States.DataLimitExceeded']);
    expect(record.cause).toContain("'Send' has an input of");
    expect(called).toBe(false);
  });
});

describe('StartExecution', () => {
  const passing = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };

  test('a name of 1 to 80 characters without the forbidden ones is accepted; non-ASCII and dots are allowed', async () => {
    const sfn = service(passing);
    for (const name of ['a', 'n'.repeat(80), 'run-1_A.b', 'café']) {
      expect((await sfn.startExecution(arn, {}, name).done).status).toBe('SUCCEEDED');
    }
  });

  test('a name longer than 80 characters, or empty, is refused with ValidationException', () => {
    const sfn = service(passing);
    expect(() => sfn.startExecution(arn, {}, 'n'.repeat(81))).toThrow(expect.objectContaining({ name: 'ValidationException', message: expect.stringContaining('less than or equal to 80') }));
    expect(() => sfn.startExecution(arn, {}, '')).toThrow(expect.objectContaining({ name: 'ValidationException' }));
    expect(sfn.executions.size).toBe(0);
  });

  test.each([' ', '\t', '<', '>', '{', '}', '[', ']', '?', '*', '"', '#', '%', '\\', '^', '|', '~', '`', '$', '&', ',', ';', ':', '/', '\u0000', '\u001f', '\u007f', '\u009f'])(
    'a name containing %j is refused with InvalidName', (character) => {
      const sfn = service(passing);
      expect(() => sfn.startExecution(arn, {}, `run${character}1`)).toThrow(expect.objectContaining({ name: 'InvalidName' }));
      expect(sfn.executions.size).toBe(0);
    });

  test('an input of 262,144 bytes is accepted, one byte more is refused with ValidationException', async () => {
    const sfn = service(passing);
    // {"b":"…"} is 8 bytes around the string.
    const at = { b: 'x'.repeat(PAYLOAD_LIMIT_BYTES - 8) };
    expect(Buffer.byteLength(JSON.stringify(at))).toBe(PAYLOAD_LIMIT_BYTES);
    expect((await sfn.startExecution(arn, at, 'at-limit').done).status).toBe('SUCCEEDED');
    // UTF-8 bytes count, not characters: one 'é' is two bytes.
    const over = { b: `${'x'.repeat(PAYLOAD_LIMIT_BYTES - 9)}é` };
    expect(JSON.stringify(over).length).toBe(PAYLOAD_LIMIT_BYTES);
    expect(() => sfn.startExecution(arn, over, 'over-limit')).toThrow(expect.objectContaining({ name: 'ValidationException', message: expect.stringContaining("at 'input'") }));
  });

  test('the local API answers these refusals as AWS JSON errors the SDK turns into its exceptions', async () => {
    const endpoints = await startServiceEndpoints();
    const eventBridge = new LocalEventBridge([], ['default'], { region: 'us-east-1', account: '000000000000', invokeFunction: (a, e) => lambda.invoke(a, e) });
    const asyncInvocations = new AsyncInvocations(lambda, { configs: new Map(), queues: new LocalQueues([]), functionArn: (name) => name });
    endpoints.bind({ lambda, asyncInvocations, stepFunctions: service(passing), eventBridge, restApis: [] });
    const client = new SFNClient({ region: 'us-east-1', endpoint: endpoints.url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
    try {
      await expect(client.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'has space', input: '{}' }))).rejects.toBeInstanceOf(InvalidName);
      await expect(client.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'n'.repeat(81), input: '{}' }))).rejects.toBeInstanceOf(ValidationException);
      const started = await client.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'fine-name', input: '{}' }));
      expect(started.executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:Steps:fine-name');
    } finally {
      client.destroy();
      await endpoints.close();
    }
  });
});

test('an Express execution ends at its duration limit with States.Timeout (the limit shortened from 300 s to 1 s)', async () => {
  const waiting = { StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 30, End: true } } };
  const record = await service(waiting, 'EXPRESS', { expressDurationLimitSeconds: 1 }).startExecution(arn, {}).done;
  expect(record.status).toBe('TIMED_OUT');
  expect(record.error).toBe('States.Timeout');
  expect(record.cause).toContain('Express');
});

test('a Standard execution that reaches 25,000 history events fails with States.Runtime', async () => {
  // Loops until stopped: each round is two states entered and exited, four events.
  const looping = {
    StartAt: 'Step',
    States: {
      Step: { Type: 'Pass', Next: 'Again' },
      Again: { Type: 'Choice', Choices: [{ Variable: '$.stop', BooleanEquals: true, Next: 'Done' }], Default: 'Step' },
      Done: { Type: 'Succeed' },
    },
  };
  const sfn = service(looping);
  const record = await sfn.startExecution(arn, { stop: false }).done;
  expect(record.status).toBe('FAILED');
  expect(record.error).toBe('States.Runtime');
  expect(record.cause).toBe('The execution reached the maximum number of history events (25000).');
  // ExecutionStarted and 6,249 rounds are 24,997 events; Step entered and exited once more, 24,999: the next
  // state entered would be event 25,000, which only ExecutionSucceeded may be, so ExecutionFailed takes its place.
  expect(sfn.usage.standardTransitions).toBe(2 * 6_249 + 1);
  expect(record.history.at(-1)).toMatchObject({ type: 'ExecutionFailed', executionFailedEventDetails: { error: 'States.Runtime' } });
});

describe('StartExecution refused, by the API and in a startExecution.sync:2 Task', () => {
  const parentArn = 'arn:aws:states:us-east-1:000000000000:stateMachine:Parent';
  const childArn = 'arn:aws:states:us-east-1:000000000000:stateMachine:Child';
  const expressArn = 'arn:aws:states:us-east-1:000000000000:stateMachine:ExpressChild';
  const waiting = (seconds: number) => ({ StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: seconds, End: true } } });
  /** A parent that starts `Child` with a name and waits for it; its error, caught, is its output. */
  const parent = (retry: object[] = [], name = 'child') => ({
    StartAt: 'StartChild',
    States: {
      StartChild: {
        Type: 'Task',
        Resource: 'arn:aws:states:::states:startExecution.sync:2',
        Parameters: { StateMachineArn: childArn, Input: {}, Name: name },
        Retry: retry,
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Refused' }],
        ResultSelector: { 'status.$': '$.Status' },
        End: true,
      },
      Refused: { Type: 'Pass', End: true },
    },
  });
  function services(parentDefinition: object, options: Partial<LocalStepFunctionsOptions> = {}) {
    return new LocalStepFunctions([
      { arn: parentArn, name: 'Parent', type: 'STANDARD', definition: parentDefinition },
      { arn: childArn, name: 'Child', type: 'STANDARD', definition: waiting(0) },
      { arn: expressArn, name: 'ExpressChild', type: 'EXPRESS', definition: waiting(0) },
    ], { lambda, sdk, readItems: async () => [], writeResults: async () => undefined, ...options });
  }

  test('past the open Standard executions, the API answers ExecutionLimitExceeded; Express executions are not counted', async () => {
    const sfn = services(waiting(1) as object, { openExecutionLimit: 1 });
    const open = sfn.startExecution(parentArn, {}, 'open');
    expect(() => sfn.startExecution(childArn, {}, 'one-more')).toThrow(expect.objectContaining({ name: 'ExecutionLimitExceeded' }));
    expect((await sfn.startExecution(expressArn, {}, 'express').done).status).toBe('SUCCEEDED');
    await open.done;
    expect((await sfn.startExecution(childArn, {}, 'after').done).status).toBe('SUCCEEDED');
  });

  test('a Task fails with StepFunctions.ExecutionLimitExceededException, the integration\'s name for the refusal', async () => {
    // The parent is itself the one open execution allowed.
    const sfn = services(parent(), { openExecutionLimit: 1 });
    const record = await sfn.startExecution(parentArn, {}, 'parent').done;
    expect(record.status).toBe('SUCCEEDED');
    expect(record.output).toEqual({ Error: 'StepFunctions.ExecutionLimitExceededException', Cause: expect.stringContaining('maximum number of running executions') });
  });

  test('a retrier on StepFunctions.ExecutionLimitExceededException starts the child once an open execution ends', async () => {
    const retry = [{ ErrorEquals: ['StepFunctions.ExecutionLimitExceededException'], IntervalSeconds: 1, MaxAttempts: 20 }];
    const sfn = new LocalStepFunctions([
      { arn: parentArn, name: 'Parent', type: 'STANDARD', definition: parent(retry) },
      { arn: childArn, name: 'Child', type: 'STANDARD', definition: waiting(0) },
      { arn: `${childArn}Blocker`, name: 'ChildBlocker', type: 'STANDARD', definition: waiting(1) },
    ], { lambda, sdk, readItems: async () => [], writeResults: async () => undefined, openExecutionLimit: 2, retryIntervalMs: 100 });
    sfn.startExecution(`${childArn}Blocker`, {}, 'blocker');
    const record = await sfn.startExecution(parentArn, {}, 'parent').done;
    expect([record.status, record.output]).toEqual(['SUCCEEDED', { status: 'SUCCEEDED' }]);
  });

  test('a name StartExecution refuses fails the Task with StepFunctions.InvalidNameException', async () => {
    const sfn = services(parent([], 'has space'));
    const record = await sfn.startExecution(parentArn, {}, 'parent').done;
    expect(record.output).toEqual({ Error: 'StepFunctions.InvalidNameException', Cause: "Invalid Name: 'has space'" });
  });
});
