import { MessageChannel } from 'node:worker_threads';
import { contextOf, InvocationMessage, serveInvocations } from '../../../local/lambda/lambda-runtime';

// The runtime inside each local container, on a message channel instead of a worker's port.
const data = { entry: 'unused', handlerExport: 'handler', name: 'fn', arn: 'arn:aws:lambda:us-east-1:000000000000:function:fn', memoryMb: 256 };

function invokeThrough(handler: (event: any, context: any) => Promise<unknown>, event: unknown): Promise<any> {
  const { port1, port2 } = new MessageChannel();
  serveInvocations(port2, handler, data);
  return new Promise((resolve) => {
    port1.once('message', (answer) => {
      port1.close();
      resolve(answer);
    });
    port1.postMessage({ id: 'i-1', event, deadline: Date.now() + 5_000, requestId: 'r-1' } satisfies InvocationMessage);
  });
}

test('answers with the handler\'s result (null for none) and the size of its JSON, with the invocation id', async () => {
  expect(await invokeThrough(async (event) => ({ doubled: event.n * 2, name: 'é' }), { n: 21 }))
    .toEqual({ id: 'i-1', ok: true, result: { doubled: 42, name: 'é' }, bytes: Buffer.byteLength('{"doubled":42,"name":"é"}') });
  expect(await invokeThrough(async () => undefined, {})).toEqual({ id: 'i-1', ok: true, result: null, bytes: 4 });
});

test('answers a thrown error as Lambda reports it: its name as errorType, its message and trace', async () => {
  class InputFormatError extends Error {
    constructor(message: string) {
      super(message);
      this.name = 'InputFormatError';
    }
  }
  const answer = await invokeThrough(async () => { throw new InputFormatError('orders.csv line 3: unterminated quoted field'); }, {});
  expect(answer).toMatchObject({ id: 'i-1', ok: false, error: { errorType: 'InputFormatError', errorMessage: 'orders.csv line 3: unterminated quoted field' } });
  expect(answer.error.trace[0]).toContain('InputFormatError');
  expect(await invokeThrough(async () => { throw 'a string'; }, {})).toMatchObject({ error: { errorType: 'Error', errorMessage: 'a string' } });
});

test('the context is Lambda\'s: names, memory, and the time left before the deadline', () => {
  const context = contextOf(data, { id: 'i', event: {}, deadline: Date.now() + 3_000, requestId: 'r-9' });
  expect(context).toMatchObject({ functionName: 'fn', invokedFunctionArn: data.arn, memoryLimitInMB: '256', awsRequestId: 'r-9', logGroupName: '/aws/lambda/fn' });
  const left = (context.getRemainingTimeInMillis as () => number)();
  expect(left).toBeGreaterThan(2_000);
  expect(left).toBeLessThanOrEqual(3_000);
});
