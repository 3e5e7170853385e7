import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { AsyncInvocations } from '../../../local/lambda/async-invocation';
import { MAX_REQUEST_BYTES, MAX_RESPONSE_BYTES } from '../../../local/lambda/invocation-limits';
import { LambdaFunctionError, LambdaHost } from '../../../local/lambda/lambda-host';
import { LocalQueues } from '../../../local/stand-ins/sqs-queues';
import { LocalFunction } from '../../../local/template/function-code';
import { LocalLambda, startLocalLambda } from '../../support/local-lambda';
import { tempFolder } from '../../support/temp-folder';

// Each limit crossed by one byte, and met exactly: what Lambda answers past it, through the host (Step Functions,
// S3 and EventBridge invoke it so) and through the Invoke API with a real LambdaClient.

/** The error an invocation fails with (a test failure if it succeeds). */
const failureOf = (invocation: Promise<unknown>): Promise<LambdaFunctionError> =>
  invocation.then((result) => { throw new Error(`succeeded with ${String(result).slice(0, 50)}`); }, (error: LambdaFunctionError) => error);

/** A JSON payload of exactly `bytes` bytes: a string of A's in quotes. */
const payloadOf = (bytes: number) => 'A'.repeat(bytes - 2);

// Answers with the size it received, or a string of the size asked for (its JSON `responseBytes` long), or
// waits, or holds memory until it has none left.
const BUNDLE = `
exports.handler = async (event) => {
  if (event && event.responseBytes) return 'A'.repeat(event.responseBytes - 2);
  if (event && event.waitMs) { await new Promise((resolve) => setTimeout(resolve, event.waitMs)); return 'done'; }
  if (event && event.allocate) { const held = []; for (;;) held.push(new Array(1e6).fill(Math.random())); }
  return { received: typeof event === 'string' ? event.length + 2 : JSON.stringify(event).length };
};
`;

describe('the payload limits of the local Lambda', () => {
  let dir: string;
  let host: LambdaHost;
  let asyncInvocations: AsyncInvocations;
  let api: LocalLambda;
  beforeAll(async () => {
    dir = tempFolder('invocation-limits-test-');
    fs.writeFileSync(path.join(dir, 'index.js'), BUNDLE);
    const fn: LocalFunction = { name: 'fn', entry: path.join(dir, 'index.js'), handlerExport: 'handler', environment: {}, timeoutSeconds: 30, memoryMb: 256, architecture: 'x86_64' };
    const functionArn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
    host = new LambdaHost([fn], { baseEnvironment: {}, functionArn });
    asyncInvocations = new AsyncInvocations(host, { configs: new Map(), queues: new LocalQueues([]), functionArn });
    api = await startLocalLambda({ fn: BUNDLE });
  }, 30_000);
  afterAll(async () => {
    await asyncInvocations.close();
    await Promise.all([host.close(), api.close()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the limits are AWS\'s: 6 MB synchronous (6,291,456 bytes; 100 more for a response), 1 MB asynchronous', () => {
    expect(MAX_REQUEST_BYTES).toEqual({ RequestResponse: 6_291_456, Event: 1_048_576 });
    expect(MAX_RESPONSE_BYTES).toBe(6_291_556);
  });

  test('a synchronous request over 6 MB is refused with RequestEntityTooLargeException (413); one of 6 MB runs', async () => {
    await expect(host.invoke('fn', payloadOf(6_291_456))).resolves.toEqual({ received: 6_291_456 });
    await expect(host.invoke('fn', payloadOf(6_291_457))).rejects.toMatchObject({
      name: 'Lambda.RequestEntityTooLargeException', statusCode: 413, message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
    });
    const invoke = (bytes: number) => api.client.send(new InvokeCommand({ FunctionName: 'fn', Payload: Buffer.from(JSON.stringify(payloadOf(bytes))) }));
    const accepted = await invoke(6_291_456);
    expect(JSON.parse(Buffer.from(accepted.Payload!).toString())).toEqual({ received: 6_291_456 });
    await expect(invoke(6_291_457)).rejects.toMatchObject({
      name: 'RequestEntityTooLargeException', $metadata: { httpStatusCode: 413 }, message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
    });
  }, 60_000);

  test('a synchronous response over 6,291,556 bytes fails the invocation with Function.ResponseSizeTooLarge; one of that size is returned', async () => {
    await expect(host.invoke('fn', { responseBytes: 6_291_556 })).resolves.toHaveLength(6_291_554);
    const refused = await failureOf(host.invoke('fn', { responseBytes: 6_291_557 }));
    expect(refused).toBeInstanceOf(LambdaFunctionError);
    expect(refused.payload).toEqual({ errorType: 'Function.ResponseSizeTooLarge', errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).' });
    const answer = await api.client.send(new InvokeCommand({ FunctionName: 'fn', Payload: Buffer.from(JSON.stringify({ responseBytes: 6_291_557 })) }));
    expect(answer).toMatchObject({ StatusCode: 200, FunctionError: 'Unhandled' });
    expect(JSON.parse(Buffer.from(answer.Payload!).toString())).toMatchObject({ errorType: 'Function.ResponseSizeTooLarge' });
    // An asynchronous invocation's response goes nowhere: it is not limited.
    await expect(host.invoke('fn', { responseBytes: 6_291_557 }, 'Event')).resolves.toHaveLength(6_291_555);
  }, 60_000);

  test('an asynchronous event over 1 MB is refused with RequestEntityTooLargeException (413), not retried; one of 1 MB is queued', async () => {
    const invocations = host.usage.invocations;
    expect(() => asyncInvocations.accept('fn', payloadOf(1_048_577))).toThrow(expect.objectContaining({
      name: 'Lambda.RequestEntityTooLargeException', message: '1048577 byte payload is too large for the Event invocation type (limit 1048576 bytes)',
    }));
    expect(host.usage.invocations).toBe(invocations);
    await expect(asyncInvocations.accept('fn', payloadOf(1_048_576)).outcome).resolves.toMatchObject({ succeeded: true, attempts: 1, response: { received: 1_048_576 } });
    // The same event is well within a synchronous invocation's limit.
    await expect(host.invoke('fn', payloadOf(1_048_577))).resolves.toEqual({ received: 1_048_577 });

    const invoke = (bytes: number) => api.client.send(new InvokeCommand({ FunctionName: 'fn', InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(payloadOf(bytes))) }));
    await expect(invoke(1_048_576)).resolves.toMatchObject({ StatusCode: 202 });
    await expect(invoke(1_048_577)).rejects.toMatchObject({
      name: 'RequestEntityTooLargeException', $metadata: { httpStatusCode: 413 }, message: '1048577 byte payload is too large for the Event invocation type (limit 1048576 bytes)',
    });
  }, 60_000);
});

describe('the configured timeout and memory of the local Lambda', () => {
  let dir: string;
  let host: LambdaHost | undefined;
  const fnWith = (settings: Partial<LocalFunction>): LocalFunction => ({
    name: 'fn', entry: path.join(dir, 'index.js'), handlerExport: 'handler', environment: {}, timeoutSeconds: 30, memoryMb: 128, architecture: 'x86_64', ...settings,
  });
  const newHost = (fn: LocalFunction) => new LambdaHost([fn], { baseEnvironment: {}, functionArn: (name) => `arn:aws:lambda:us-east-1:000000000000:function:${name}` });
  beforeAll(() => {
    dir = tempFolder('function-limits-test-');
    fs.writeFileSync(path.join(dir, 'index.js'), BUNDLE);
  });
  afterEach(async () => host?.close());
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('an invocation past the function\'s timeout fails with Sandbox.Timedout, and its container is not reused', async () => {
    host = newHost(fnWith({ timeoutSeconds: 1 }));
    await expect(host.invoke('fn', { waitMs: 100 })).resolves.toBe('done');
    const timedOut = await failureOf(host.invoke('fn', { waitMs: 3_000 }));
    expect(timedOut).toBeInstanceOf(LambdaFunctionError);
    expect(timedOut.payload).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds' });
    expect(host.containers).toBe(0);
  }, 30_000);

  test('an invocation past the function\'s memory is killed: Runtime.ExitError, "signal: killed"', async () => {
    host = newHost(fnWith({ memoryMb: 128 }));
    const killed = await failureOf(host.invoke('fn', { allocate: true }));
    expect(killed).toBeInstanceOf(LambdaFunctionError);
    expect(killed.payload).toEqual({ errorType: 'Runtime.ExitError', errorMessage: 'RequestId: local Error: Runtime exited with error: signal: killed' });
    // The next invocation starts a new container.
    await expect(host.invoke('fn', 'x')).resolves.toEqual({ received: 3 });
  }, 30_000);
});
