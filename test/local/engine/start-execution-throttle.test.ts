import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { startServiceEndpoints } from '../../../local/api/service-endpoints';
import { AwsSdkTasks } from '../../../local/engine/aws-sdk-tasks';
import { LocalEventBridge } from '../../../local/engine/event-bridge';
import { startExecutionRate } from '../../../local/engine/execution-limits';
import { LocalStepFunctions, LocalStepFunctionsOptions } from '../../../local/engine/step-functions';
import { TokenBucket } from '../../../local/engine/token-bucket';
import { AsyncInvocations } from '../../../local/lambda/async-invocation';
import { LambdaHost } from '../../../local/lambda/lambda-host';
import { namedError } from '../../../local/shared/named-error';
import { LocalQueues } from '../../../local/stand-ins/sqs-queues';
import { LocalStateMachine } from '../../../local/template/cloud-assembly';

// StartExecution's token bucket (Standard state machines), on a clock the tests move by hand; and the retry waits
// of a throttled Task, which the local engine keeps as defined.
const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine';
const pass = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
const machine = (name: string, definition: object, type: 'STANDARD' | 'EXPRESS' = 'STANDARD'): LocalStateMachine =>
  ({ arn: `${ARN}:${name}`, name, type, definition });
const lambda = new LambdaHost([], { baseEnvironment: {}, functionArn: (name) => name });
const sdk = new AwsSdkTasks(() => ({}));
afterAll(() => sdk.close());

/** A clock that stands still until a test moves it. */
function manualClock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => { now += ms; } };
}

function service(machines: LocalStateMachine[], options: Partial<LocalStepFunctionsOptions> = {}) {
  return new LocalStepFunctions(machines, { lambda, sdk, readItems: async () => [], writeResults: async () => undefined, ...options });
}

describe('TokenBucket', () => {
  test('starts full, refuses a request once empty, refills at its rate up to its size', () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ size: 3, refillPerSecond: 2 }, clock.now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    clock.advance(499);
    expect(bucket.take()).toBe(false);
    // 500 ms at 2 a second: one token.
    clock.advance(1);
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    // Long idle, it holds its size, no more.
    clock.advance(60_000);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });
});

test('AWS\'s StartExecution buckets for Standard state machines: 1,300 at 300/s in three regions, 800 at 150/s elsewhere', () => {
  for (const region of ['us-east-1', 'us-west-2', 'eu-west-1']) expect(startExecutionRate(region)).toEqual({ size: 1300, refillPerSecond: 300 });
  for (const region of ['us-east-2', 'eu-central-1', 'ap-southeast-2']) expect(startExecutionRate(region)).toEqual({ size: 800, refillPerSecond: 150 });
});

describe('StartExecution throttling', () => {
  test('1,300 Standard executions start in the same instant, the next is ThrottlingException; 300 tokens a second later', async () => {
    const clock = manualClock();
    const sfn = service([machine('Steps', pass)], { clock: clock.now });
    const start = () => sfn.startExecution(`${ARN}:Steps`, {});
    const started = Array.from({ length: 1300 }, start);
    expect(start).toThrow(expect.objectContaining({ name: 'ThrottlingException', message: 'Rate exceeded' }));
    clock.advance(1000);
    started.push(...Array.from({ length: 300 }, start));
    expect(start).toThrow(expect.objectContaining({ name: 'ThrottlingException' }));
    expect(sfn.throttles).toBe(2);
    await Promise.all(started.map((record) => record.done));
    expect(started.every((record) => record.status === 'SUCCEEDED')).toBe(true);
  }, 60_000);

  test('Express state machines and Distributed Map children take no token; a states:startExecution Task does', async () => {
    const clock = manualClock();
    const map = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: 'b', Key: 'items.json' } },
          ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, ...pass },
          End: true,
        },
      },
    };
    const nested = {
      StartAt: 'Child',
      States: { Child: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution', Parameters: { StateMachineArn: `${ARN}:Steps` }, End: true } },
    };
    const sfn = service([machine('Steps', pass), machine('Fast', pass, 'EXPRESS'), machine('Fanout', map), machine('Parent', nested)], {
      clock: clock.now, startExecutionRate: { size: 1, refillPerSecond: 1 }, readItems: async () => [1, 2, 3, 4, 5],
    });
    // Express: not this bucket's.
    const express = Array.from({ length: 5 }, () => sfn.startExecution(`${ARN}:Fast`, {}));
    // The Map's parent takes the only token; its five children start all the same.
    const fanout = sfn.startExecution(`${ARN}:Fanout`, {});
    await Promise.all([...express, fanout].map((record) => record.done));
    expect([...express, fanout].map((record) => record.status)).toEqual(Array(6).fill('SUCCEEDED'));
    // A second later, the parent takes the token and its Task finds the bucket empty: the integration's error.
    clock.advance(1000);
    const parent = await sfn.startExecution(`${ARN}:Parent`, {}).done;
    expect([parent.status, parent.error, parent.cause]).toEqual(['FAILED', 'StepFunctions.ThrottlingException', 'Rate exceeded']);
    expect(sfn.throttles).toBe(1);
  }, 60_000);

  test('the API answers HTTP 400 ThrottlingException, "Rate exceeded", as a real SFNClient reads it', async () => {
    const clock = manualClock();
    const sfn = service([machine('Steps', pass)], { clock: clock.now, startExecutionRate: { size: 1, refillPerSecond: 1 } });
    const endpoints = await startServiceEndpoints();
    const asyncInvocations = new AsyncInvocations(lambda, { configs: new Map(), queues: new LocalQueues([]), functionArn: (name) => name });
    const eventBridge = new LocalEventBridge([], ['default'], { region: 'us-east-1', account: '000000000000', invokeFunction: async () => undefined });
    endpoints.bind({ lambda, asyncInvocations, stepFunctions: sfn, eventBridge, restApis: [] });
    // One attempt: the SDK retries a throttle by default.
    const client = new SFNClient({ region: 'us-east-1', endpoint: endpoints.url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
    try {
      const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: `${ARN}:Steps`, input: '{}' }));
      await expect(client.send(new StartExecutionCommand({ stateMachineArn: `${ARN}:Steps`, input: '{}' }))).rejects.toMatchObject({
        name: 'ThrottlingException', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 },
      });
      // Other actions are not this bucket's.
      await expect(client.send(new DescribeExecutionCommand({ executionArn }))).resolves.toMatchObject({ executionArn });
    } finally {
      client.destroy();
      await Promise.all([asyncInvocations.close(), endpoints.close(), sfn.close()]);
    }
  }, 30_000);
});

test('a retrier of throttling errors only waits as defined; the others wait the shortened interval', async () => {
  const definition = {
    StartAt: 'Call',
    States: {
      Call: {
        Type: 'Task',
        Resource: 'arn:aws:states:::aws-sdk:sts:getCallerIdentity',
        Retry: [
          { ErrorEquals: ['Lambda.TooManyRequestsException'], IntervalSeconds: 1, MaxAttempts: 1 },
          { ErrorEquals: ['States.ALL'], IntervalSeconds: 30, MaxAttempts: 1 },
        ],
        End: true,
      },
    },
  };
  const sfn = service([machine('Steps', definition)], { retryIntervalMs: 1 });
  // The Task is throttled, then fails otherwise, then succeeds: its attempts' times are kept.
  const failures = [namedError('Lambda.TooManyRequestsException', 'Rate Exceeded.'), namedError('Sts.ServiceUnavailable', 'down')];
  const attempts: number[] = [];
  (sfn as any).runTask = async () => {
    attempts.push(Date.now());
    const failure = failures.shift();
    if (failure) throw failure;
    return { Account: '000000000000' };
  };
  const record = await sfn.startExecution(`${ARN}:Steps`, {}).done;
  expect(record.status).toBe('SUCCEEDED');
  expect(attempts).toHaveLength(3);
  // IntervalSeconds 1 (no jitter) for the throttle; 1 ms instead of 30 s for the other error.
  expect(attempts[1] - attempts[0]).toBeGreaterThanOrEqual(990);
  expect(attempts[2] - attempts[1]).toBeLessThan(1000);
}, 30_000);
