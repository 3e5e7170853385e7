import { failedRunSummary, succeededRunSummary } from '../../../lambda-src/notify/run-summary';
import { base, executionArn, failedFacts, failure, merge, split } from '../../support/run-fixtures';

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
