import { InvokeCommand } from '@aws-sdk/client-lambda';
import { AsyncInvocations, asyncInvokeConfigsOf } from '../../../local/lambda/async-invocation';
import { LambdaFunctionError } from '../../../local/lambda/lambda-host';
import { LocalQueues } from '../../../local/stand-ins/sqs-queues';
import { startLocalLambda } from '../../support/local-lambda';

const QUEUE = 'arn:aws:sqs:us-east-1:000000000000:Reports';
const failing = (failures: number) => {
  let calls = 0;
  return {
    calls: () => calls,
    host: {
      resolveName: (name: string) => (name === 'fn' ? 'fn' : undefined),
      invoke: async () => {
        calls++;
        if (calls <= failures) throw new LambdaFunctionError({ errorType: 'Error', errorMessage: `attempt ${calls} failed` });
        return { ok: true };
      },
    },
  };
};
const invocations = (host: ReturnType<typeof failing>['host'], config: object, sendRefusal?: () => string) => {
  const queues = new LocalQueues([{ arn: QUEUE, name: 'Stack/Reports' }]);
  const async = new AsyncInvocations(host, {
    configs: new Map([['fn', config]]), queues, functionArn: (name) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`, retryIntervalMs: 1, sendRefusal,
  });
  return { async, queues };
};

test('a function error is retried twice, then the invocation record goes to the on-failure destination', async () => {
  const fn = failing(3);
  const { async, queues } = invocations(fn.host, { onFailure: QUEUE });
  const outcome = await async.accept('fn', { report: 1 }).outcome;
  expect([outcome.succeeded, outcome.attempts, fn.calls()]).toEqual([false, 3, 3]);
  expect(queues.messages).toHaveLength(1);
  expect(JSON.parse(queues.messages[0].body)).toMatchObject({
    requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3, functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fn:$LATEST' },
    requestPayload: { report: 1 },
    responseContext: { statusCode: 200, functionError: 'Unhandled' },
    responsePayload: { errorType: 'Error', errorMessage: 'attempt 3 failed' },
  });
});

test('an event that succeeds on a retry goes nowhere; MaximumRetryAttempts bounds the attempts', async () => {
  const retried = failing(2);
  const { async, queues } = invocations(retried.host, { onFailure: QUEUE });
  expect(await async.accept('fn', {}).outcome).toMatchObject({ succeeded: true, attempts: 3 });
  expect(queues.messages).toEqual([]);
  const once = failing(5);
  const noRetries = invocations(once.host, { maximumRetryAttempts: 0, onFailure: QUEUE });
  expect(await noRetries.async.accept('fn', {}).outcome).toMatchObject({ succeeded: false, attempts: 1 });
});

test('a function dead-letter queue gets the event itself, with why in its attributes', async () => {
  const { async, queues } = invocations(failing(3).host, { deadLetterTargetArn: QUEUE });
  await async.accept('fn', { report: 2 }).outcome;
  expect(JSON.parse(queues.messages[0].body)).toEqual({ report: 2 });
  expect(queues.messages[0].attributes).toMatchObject({ ErrorCode: '200', ErrorMessage: 'attempt 3 failed' });
});

test('a record the role may not send is dropped; an unknown function or a payload too large is refused when queued', async () => {
  const { async, queues } = invocations(failing(3).host, { onFailure: QUEUE }, () => 'denied');
  await async.accept('fn', {}).outcome;
  expect(queues.messages).toEqual([]);
  expect(async.undelivered).toEqual([{ functionName: 'fn', destination: QUEUE, reason: 'denied' }]);
  expect(() => async.accept('other', {})).toThrow(expect.objectContaining({ name: 'Lambda.ResourceNotFoundException' }));
  expect(() => async.accept('fn', {}, 1024 * 1024 + 1)).toThrow(expect.objectContaining({ name: 'Lambda.RequestEntityTooLargeException' }));
});

test('the settings are read from the template\'s EventInvokeConfig and DeadLetterConfig', () => {
  const resources = {
    Fn: { Type: 'AWS::Lambda::Function', Properties: { DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': ['Q', 'Arn'] } } } },
    Config: { Type: 'AWS::Lambda::EventInvokeConfig', Properties: { FunctionName: { Ref: 'Fn' }, Qualifier: '$LATEST', MaximumRetryAttempts: 1, DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['Q', 'Arn'] } } } } },
  };
  const resolve = (value: any): any => (value?.Ref ? 'fn' : value?.['Fn::GetAtt'] ? QUEUE
    : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)])) : value);
  expect(asyncInvokeConfigsOf(resources, resolve).get('fn')).toMatchObject({ deadLetterTargetArn: QUEUE, maximumRetryAttempts: 1, onFailure: QUEUE });
});

test('the Invoke API\'s Event type answers 202 and queues the event here, with Lambda\'s retries', async () => {
  const api = await startLocalLambda({ fn: 'let calls = 0; exports.handler = async () => { calls++; throw new Error(`attempt ${calls} failed`); };' });
  try {
    const answer = await api.client.send(new InvokeCommand({ FunctionName: 'fn', InvocationType: 'Event', Payload: Buffer.from('{"order":7}') }));
    expect(answer.StatusCode).toBe(202);
    await api.asyncInvocations.settle();
    expect(api.asyncInvocations.failed).toEqual([expect.objectContaining({
      functionName: 'fn', succeeded: false, attempts: 3, condition: 'RetriesExhausted', response: expect.objectContaining({ errorMessage: 'attempt 3 failed' }),
    })]);
  } finally {
    await api.close();
  }
}, 30_000);
