import { AwsSdkTasks } from '../../../local/engine/aws-sdk-tasks';
import { ExecutionRecord, LocalStepFunctions } from '../../../local/engine/step-functions';
import { LambdaHost } from '../../../local/lambda/lambda-host';

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
  const waiting = { StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 30, End: true } } };
  const sfn = service(waiting);
  const record = sfn.startExecution(arn, {}, 'to-stop');
  setTimeout(() => sfn.stopExecution(record.executionArn), 50);
  await record.done;
  expect(record.status).toBe('ABORTED');
  expect(record.resumeAt?.name).toBe('Wait');

  const timed = service({ ...waiting, TimeoutSeconds: 1 }).startExecution(arn, {}, 'timed');
  await timed.done;
  expect(timed.status).toBe('TIMED_OUT');
  expect(timed.error).toBe('States.Timeout');
});
