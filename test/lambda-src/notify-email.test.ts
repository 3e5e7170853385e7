import { notificationEmail, recipientsFrom } from '../../lambda-src/notify/notification-email';
import { failedStepOf, failureOfExecution, redriveInstructions } from '../../lambda-src/notify/run-failure';
import { failedRunSummary, succeededRunSummary } from '../../lambda-src/notify/run-summary';
import { RunSucceededTask } from '../../lambda-src/shared/contracts';

const split = {
  runId: 'orders-1',
  manifestKey: 'm',
  chunkCount: 4,
  records: 10_000,
  outputKey: 'output/orders-1/orders.csv',
  rejectsKey: 'output/orders-1/orders.rejects.csv',
  summaryKey: 'output/orders-1/summary.json',
  archiveKey: 'archive/orders-1/orders.csv',
  copySource: 'b/input/orders.csv',
};
const merge = {
  records: { total: 10_000, valid: 9_990, rejected: 10 },
  outputKey: split.outputKey,
  rejectsKey: split.rejectsKey,
  stagedOutputKey: 'runs/orders-1/merged/orders.csv',
  stagedRejectsKey: 'runs/orders-1/merged/orders.rejects.csv',
  failedChunks: 0,
};
const executionArn = 'arn:aws:states:eu-west-1:123456789012:execution:Orchestrator:orders-1';
const base: RunSucceededTask = { status: 'SUCCEEDED', runId: 'orders-1', bucket: 'b', key: 'input/orders.csv', executionArn, redriveCount: 0, split, merge };
const failure = { code: 'InputFormatError', message: 'orders.csv line 57: unterminated quoted field' };
const failedFacts = {
  runId: 'orders-1',
  executionArn,
  input: { bucket: 'b', key: 'input/orders.csv' },
  failure,
  failedStep: 'SplitInput',
  redrive: redriveInstructions(executionArn, Date.parse('2025-01-01T00:00:00.000Z')),
  chunks: 4,
  finishedAt: new Date(0),
};

describe('run summaries', () => {
  test('a successful run points to its output and counts, with the duration since the plan started', () => {
    const summary = succeededRunSummary(base, { finishedAt: new Date('2025-01-01T00:01:30.500Z'), startedAt: '2025-01-01T00:00:00.000Z' });
    expect(summary).toEqual({
      runId: 'orders-1',
      status: 'SUCCEEDED',
      executionArn,
      input: { bucket: 'b', key: 'input/orders.csv' },
      records: merge.records,
      chunks: 4,
      output: split.outputKey,
      rejects: split.rejectsKey,
      startedAt: '2025-01-01T00:00:00.000Z',
      finishedAt: '2025-01-01T00:01:30.500Z',
      durationMs: 90_500,
    });
    expect(succeededRunSummary({ ...base, redriveCount: 1 }, { finishedAt: new Date(0) }).redriveCount).toBe(1);
  });

  test('a failed run names the error, the failed step and how to redrive, and no output', () => {
    expect(failedRunSummary(failedFacts)).toEqual({
      runId: 'orders-1',
      status: 'FAILED',
      executionArn,
      input: { bucket: 'b', key: 'input/orders.csv' },
      chunks: 4,
      error: failure,
      failedStep: 'SplitInput',
      redrive: { command: `aws stepfunctions redrive-execution --execution-arn ${executionArn}`, possibleUntil: '2025-01-15T00:00:00.000Z' },
      finishedAt: '1970-01-01T00:00:00.000Z',
    });
  });
});

describe('a failed execution', () => {
  const detail = { executionArn, stateMachineArn: 'arn:sm', name: 'orders-1', input: '{}' };

  test('its failure is its error and cause; a timeout or an abort without an error is named', () => {
    const cause = JSON.stringify({ errorType: 'InputFormatError', errorMessage: failure.message });
    expect(failureOfExecution({ ...detail, status: 'FAILED', error: 'InputFormatError', cause })).toEqual(failure);
    expect(failureOfExecution({ ...detail, status: 'TIMED_OUT' }).code).toBe('States.Timeout');
    expect(failureOfExecution({ ...detail, status: 'ABORTED', error: null }).code).toBe('ExecutionAborted');
  });

  test('its failed step is the last state entered', () => {
    const newestFirst = [
      { type: 'ExecutionFailed' },
      { type: 'TaskFailed' },
      { type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'MergeChunks' } },
      { type: 'MapStateExited' },
      { type: 'MapStateEntered', stateEnteredEventDetails: { name: 'ProcessChunks' } },
    ];
    expect(failedStepOf(newestFirst)).toBe('MergeChunks');
    expect(failedStepOf([{ type: 'ExecutionAborted' }])).toBeUndefined();
  });
});

describe('notificationEmail', () => {
  const secret = 'Côte d’Ivoire,Baby Food';

  test('a success names the counts and the links, not the records', () => {
    const summary = succeededRunSummary(base, { finishedAt: new Date(125_000), startedAt: new Date(0).toISOString() });
    const email = notificationEmail(summary, { output: 'https://s3/out?sig', rejects: 'https://s3/rej?sig', expiresInSeconds: 86_400 });
    expect(email.subject).toBe('Batch run orders.csv: 9,990 valid, 10 rejected');
    expect(email.text).toContain('The batch run of s3://b/input/orders.csv succeeded.\n');
    expect(email.text).toContain('Records: 10,000\nValid: 9,990\nRejected: 10\nChunks: 4\nDuration: 2 min 5 s\nRun id: orders-1');
    expect(email.text).toContain('Output (output/orders-1/orders.csv):\nhttps://s3/out?sig');
    expect(email.text).toContain('Rejected records (output/orders-1/orders.rejects.csv):\nhttps://s3/rej?sig');
    expect(email.text).toContain('expire within 24 h');
    expect(email.text).not.toContain(secret);
  });

  test('a success after a redrive says so', () => {
    const email = notificationEmail(succeededRunSummary({ ...base, redriveCount: 1 }, { finishedAt: new Date(0) }));
    expect(email.text).toContain('succeeded after a redrive.');
  });

  test('a failure says what failed, where, and how to resume the run', () => {
    const email = notificationEmail(failedRunSummary(failedFacts));
    expect(email.subject).toBe('Batch run orders.csv failed: InputFormatError');
    expect(email.text).toContain('Failed step: SplitInput\nError: InputFormatError\nCause: orders.csv line 57: unterminated quoted field');
    expect(email.text).toContain('No output was published.');
    expect(email.text).toContain(`possible until 2025-01-15T00:00:00.000Z); chunks already processed are not processed again:\naws stepfunctions redrive-execution --execution-arn ${executionArn}`);
    expect(email.text).not.toMatch(/https?:/);
  });

  test('recipients are comma-separated, blanks ignored', () => {
    expect(recipientsFrom(' a@x.com, ,b@y.org ')).toEqual(['a@x.com', 'b@y.org']);
    expect(recipientsFrom('')).toEqual([]);
    expect(recipientsFrom(undefined)).toEqual([]);
  });
});
