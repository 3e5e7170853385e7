import { notificationEmail } from '../../../lambda-src/notify/notification-email';
import { failedRunSummary, succeededRunSummary } from '../../../lambda-src/notify/run-summary';
import { base, executionArn, failedFacts } from '../../support/run-fixtures';

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
});
