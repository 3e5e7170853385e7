import * as fs from 'node:fs';
import { createServer, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { startServiceEndpoints } from '../../../local/api/service-endpoints';
import { AwsSdkTasks } from '../../../local/engine/aws-sdk-tasks';
import { LocalEventBridge } from '../../../local/engine/event-bridge';
import { LocalStepFunctions } from '../../../local/engine/step-functions';
import { AsyncInvocations } from '../../../local/lambda/async-invocation';
import { TooManyRequests } from '../../../local/lambda/concurrency-quota';
import { LambdaFunctionError, LambdaHost } from '../../../local/lambda/lambda-host';
import { deferred } from '../../../local/shared/deferred';
import { LocalQueues } from '../../../local/stand-ins/sqs-queues';
import { LocalFunction } from '../../../local/template/function-code';
import { LAMBDA_THROTTLING_ERRORS } from '../../../src/handler-task';
import { tempFolder } from '../../support/temp-folder';

// Lambda's concurrency quota in the local host: synchronous invocations over it are refused with 429 (the Invoke API,
// Step Functions), asynchronous ones go back to Lambda's queue until they run or are too old. The handlers hold their
// invocation in flight until the test opens a gate: nothing here depends on how long anything takes.

const functionArn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const QUEUE = 'arn:aws:sqs:us-east-1:000000000000:Failures';

// Waits at the gate (a request the test answers when it opens it), then answers which event it was.
const BUNDLE = `
exports.handler = async (event) => {
  await fetch(event.gate);
  return { id: event.id };
};
`;

/** An HTTP server that holds every request until `open()`, and tells when `n` have arrived. */
async function startGate() {
  const held: ServerResponse[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  let open = false;
  let arrivals = 0;
  const server: Server = createServer((_req, res) => {
    arrivals++;
    for (const waiter of waiters.filter((w) => arrivals >= w.n)) waiter.resolve();
    if (open) res.end('open');
    else held.push(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals: () => arrivals,
    arrived(n: number): Promise<void> {
      const arrived = deferred<void>();
      if (arrivals >= n) arrived.resolve();
      else waiters.push({ n, resolve: () => arrived.resolve() });
      return arrived.promise;
    },
    open() {
      open = true;
      for (const res of held.splice(0)) res.end('open');
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

describe('the concurrency quota of the local Lambda', () => {
  let dir: string;
  let gate: Awaited<ReturnType<typeof startGate>>;
  let host: LambdaHost | undefined;
  const fnNamed = (name: string, settings: Partial<LocalFunction> = {}): LocalFunction => ({
    name, entry: path.join(dir, 'index.js'), handlerExport: 'handler', environment: {}, timeoutSeconds: 30, memoryMb: 128, architecture: 'x86_64', ...settings,
  });
  beforeAll(() => {
    dir = tempFolder('throttling-test-');
    fs.writeFileSync(path.join(dir, 'index.js'), BUNDLE);
  });
  beforeEach(async () => { gate = await startGate(); });
  afterEach(async () => {
    gate.open();
    await host?.close();
    host = undefined;
    await gate.close();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('an account limit of 2: of 3 simultaneous synchronous invocations one is refused, 429 ConcurrentInvocationLimitExceeded', async () => {
    host = new LambdaHost([fnNamed('a'), fnNamed('b')], { baseEnvironment: {}, functionArn, concurrency: { limit: 2 } });
    const settled = await Promise.allSettled(['a', 'b', 'a'].map(async (name, id) => {
      const invocation = host!.invoke(name, { gate: gate.url, id });
      if (id === 2) return invocation;
      // The two in flight are let through once both are in their handlers.
      await gate.arrived(2);
      gate.open();
      return invocation;
    }));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect((settled[2] as PromiseRejectedResult).reason).toMatchObject({
      name: 'Lambda.TooManyRequestsException', statusCode: 429, message: 'Rate Exceeded.', reason: 'ConcurrentInvocationLimitExceeded',
    });
    expect(host.concurrency.stats()).toEqual({ throttles: 1, maxConcurrentInvocations: 2 });
    // Their places are free again.
    await expect(host.invoke('a', { gate: gate.url, id: 3 })).resolves.toEqual({ id: 3 });
  }, 30_000);

  test('a function with reserved concurrency 1 runs one invocation at a time: ReservedFunctionConcurrentInvocationLimitExceeded', async () => {
    host = new LambdaHost([fnNamed('reserved', { reservedConcurrency: 1 }), fnNamed('other')], { baseEnvironment: {}, functionArn });
    const first = host.invoke('reserved', { gate: gate.url, id: 1 });
    await expect(host.invoke('reserved', { gate: gate.url, id: 2 })).rejects.toMatchObject({ reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' });
    // Another function is not held back by it.
    const other = host.invoke('other', { gate: gate.url, id: 3 });
    await gate.arrived(2);
    gate.open();
    await expect(Promise.all([first, other])).resolves.toEqual([{ id: 1 }, { id: 3 }]);
  }, 30_000);

  test('an invocation waiting for a container is in flight: the quota is not the container pool', async () => {
    host = new LambdaHost([fnNamed('fn')], { baseEnvironment: {}, functionArn, maxContainersPerFunction: 1, concurrency: { limit: 2 } });
    const running = host.invoke('fn', { gate: gate.url, id: 1 });
    const waiting = host.invoke('fn', { gate: gate.url, id: 2 });
    await gate.arrived(1);
    await expect(host.invoke('fn', { gate: gate.url, id: 3 })).rejects.toBeInstanceOf(TooManyRequests);
    gate.open();
    await expect(Promise.all([running, waiting])).resolves.toEqual([{ id: 1 }, { id: 2 }]);
    expect(host.containers).toBe(1);
  }, 30_000);

  test('asynchronous invocations over the limit go back to the queue and all run, never more at once than the limit', async () => {
    host = new LambdaHost([fnNamed('fn')], { baseEnvironment: {}, functionArn, concurrency: { limit: 2 } });
    const invocations = new AsyncInvocations(host, { configs: new Map(), queues: new LocalQueues([]), functionArn, retryIntervalMs: 1 });
    const outcomes = Array.from({ length: 6 }, (_, id) => invocations.accept('fn', { gate: gate.url, id }).outcome);
    // Two are in their handlers; the four others were throttled on their first attempt.
    await gate.arrived(2);
    expect(host.concurrency.stats().throttles).toBeGreaterThanOrEqual(4);
    gate.open();
    const done = await Promise.all(outcomes);
    expect(done.map((o) => [o.succeeded, o.attempts, o.response])).toEqual(Array.from({ length: 6 }, (_, id) => [true, 1, { id }]));
    expect(done.filter((o) => o.throttles > 0).length).toBeGreaterThanOrEqual(4);
    expect(invocations.failed).toEqual([]);
    expect(gate.arrivals()).toBe(6);
    expect(host.concurrency.stats().maxConcurrentInvocations).toBe(2);
    await invocations.close();
  }, 30_000);

  test('a throttled event older than its maximum age is given up, EventAgeExceeded: Lambda\'s waits (1 s doubling) count in its age', async () => {
    // Reserved concurrency 0: every attempt is throttled, without the function running.
    host = new LambdaHost([fnNamed('off', { reservedConcurrency: 0 })], { baseEnvironment: {}, functionArn });
    const queues = new LocalQueues([{ arn: QUEUE, name: 'Stack/Failures' }]);
    const configs = new Map([['off', { maximumEventAgeSeconds: 60, onFailure: QUEUE, deadLetterTargetArn: QUEUE }]]);
    const invocations = new AsyncInvocations(host, { configs, queues, functionArn, retryIntervalMs: 1 });
    const outcome = await invocations.accept('off', { id: 1 }).outcome;
    // Waits of 1, 2, 4, 8, 16 and 32 s: 63 s old after the sixth throttle.
    expect(outcome).toMatchObject({ succeeded: false, condition: 'EventAgeExceeded', attempts: 0, throttles: 6 });
    expect(outcome.error).toBeInstanceOf(TooManyRequests);
    expect(host.usage.invocations).toBe(0);
    const [record, deadLetter] = queues.messages;
    expect(JSON.parse(record.body)).toMatchObject({
      requestContext: { condition: 'EventAgeExceeded', approximateInvokeCount: 0 },
      responseContext: { statusCode: 429 },
      responsePayload: { errorType: 'Lambda.TooManyRequestsException', errorMessage: 'Rate Exceeded.' },
    });
    expect(JSON.parse(record.body).responseContext.functionError).toBeUndefined();
    expect(deadLetter.attributes).toMatchObject({ ErrorCode: '429', ErrorMessage: 'Rate Exceeded.' });
    await invocations.close();
  }, 30_000);

  test('a Step Functions Lambda task sees the throttle as Lambda.TooManyRequestsException, which the construct\'s tasks retry', async () => {
    host = new LambdaHost([fnNamed('off', { reservedConcurrency: 0 })], { baseEnvironment: {}, functionArn });
    const sdk = new AwsSdkTasks(() => ({}));
    const arn = 'arn:aws:states:us-east-1:000000000000:stateMachine:Steps';
    const definition = {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: functionArn('off'), Payload: {} },
          Retry: [{ ErrorEquals: LAMBDA_THROTTLING_ERRORS, MaxAttempts: 2 }],
          End: true,
        },
      },
    };
    const sfn = new LocalStepFunctions([{ arn, name: 'Steps', type: 'STANDARD', definition }], {
      lambda: host, sdk, retryIntervalMs: 1, readItems: async () => [], writeResults: async () => undefined,
    });
    try {
      const record = sfn.startExecution(arn, {});
      await record.done;
      expect([record.status, record.error, record.cause]).toEqual(['FAILED', 'Lambda.TooManyRequestsException', 'Rate Exceeded.']);
      // The first attempt and its two retries.
      expect(host.concurrency.stats().throttles).toBe(3);
    } finally {
      await sdk.close();
    }
  }, 30_000);
});

describe('the Invoke API over the concurrency limit', () => {
  test('answers 429 with Lambda\'s body, read by a real LambdaClient as TooManyRequestsException with its Reason', async () => {
    const dir = tempFolder('throttling-api-test-');
    fs.writeFileSync(path.join(dir, 'index.js'), BUNDLE);
    const gate = await startGate();
    const fn: LocalFunction = { name: 'fn', entry: path.join(dir, 'index.js'), handlerExport: 'handler', environment: {}, timeoutSeconds: 30, memoryMb: 128, architecture: 'x86_64' };
    const host = new LambdaHost([fn, { ...fn, name: 'reserved', reservedConcurrency: 1 }], { baseEnvironment: {}, functionArn, concurrency: { limit: 102 } });
    const asyncInvocations = new AsyncInvocations(host, { configs: new Map(), queues: new LocalQueues([]), functionArn });
    const endpoints = await startServiceEndpoints();
    const sdk = new AwsSdkTasks(() => ({}));
    const stepFunctions = new LocalStepFunctions([], { lambda: host, sdk, readItems: async () => [], writeResults: async () => undefined });
    const eventBridge = new LocalEventBridge([], ['default'], { region: 'us-east-1', account: '000000000000', invokeFunction: async () => undefined });
    endpoints.bind({ lambda: host, asyncInvocations, stepFunctions, eventBridge, restApis: [] });
    // One attempt: the SDK retries a throttle by default.
    const client = new LambdaClient({ region: 'us-east-1', endpoint: endpoints.url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
    const invoke = (name: string) => client.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify({ gate: gate.url })) }));
    try {
      // The unreserved pool (102 - 1) full, and the reserved function's one place taken.
      const inFlight = [...Array.from({ length: 101 }, () => host.invoke('fn', { gate: gate.url })), host.invoke('reserved', { gate: gate.url })];
      await expect(invoke('fn')).rejects.toMatchObject({
        name: 'TooManyRequestsException', Reason: 'ConcurrentInvocationLimitExceeded', Type: 'User', message: 'Rate Exceeded.', $metadata: { httpStatusCode: 429 },
      });
      await expect(invoke('reserved')).rejects.toMatchObject({ name: 'TooManyRequestsException', Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' });
      // An Event invocation is queued all the same (202): Lambda retries its throttles.
      const queued = await client.send(new InvokeCommand({ FunctionName: 'reserved', InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ gate: gate.url })) }));
      expect(queued.StatusCode).toBe(202);
      gate.open();
      await Promise.all(inFlight);
      await asyncInvocations.settle();
      expect(host.concurrency.stats().maxConcurrentInvocations).toBe(102);
    } finally {
      gate.open();
      client.destroy();
      await Promise.all([asyncInvocations.close(), host.close(), endpoints.close(), sdk.close()]);
      await gate.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

test('a function error\'s retry waits count as Lambda\'s one and two minutes in the event\'s age: within 100 s, one retry', async () => {
  let calls = 0;
  const host = {
    resolveName: (name: string) => name,
    invoke: async () => {
      calls++;
      throw new LambdaFunctionError({ errorType: 'Error', errorMessage: 'failed' });
    },
  };
  const invocations = new AsyncInvocations(host, { configs: new Map([['fn', { maximumEventAgeSeconds: 100 }]]), queues: new LocalQueues([]), functionArn, retryIntervalMs: 1 });
  // 60 s old at the first retry, 180 s at the second.
  await expect(invocations.accept('fn', {}).outcome).resolves.toMatchObject({ succeeded: false, condition: 'EventAgeExceeded', attempts: 2, throttles: 0 });
  expect(calls).toBe(2);
});
