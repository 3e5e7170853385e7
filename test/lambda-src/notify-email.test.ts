import { notificationEmail, recipientsFrom } from '../../lambda-src/notify/notification-email';
import { buildRunSummary } from '../../lambda-src/notify/run-summary';
import { NotifyTask } from '../../lambda-src/shared/contracts';

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
const merge = { records: { total: 10_000, valid: 9_990, rejected: 10 }, outputKey: split.outputKey, rejectsKey: split.rejectsKey, failedChunks: 0 };
const base: NotifyTask = { status: 'SUCCEEDED', runId: 'orders-1', bucket: 'b', key: 'input/orders.csv', split, merge };

describe('buildRunSummary', () => {
  test('a successful run points to its output and counts, with the duration since the plan started', () => {
    const summary = buildRunSummary(base, { finishedAt: new Date('2025-01-01T00:01:30.500Z'), startedAt: '2025-01-01T00:00:00.000Z' });
    expect(summary).toEqual({
      runId: 'orders-1',
      status: 'SUCCEEDED',
      input: { bucket: 'b', key: 'input/orders.csv' },
      records: merge.records,
      chunks: 4,
      output: split.outputKey,
      rejects: split.rejectsKey,
      startedAt: '2025-01-01T00:00:00.000Z',
      finishedAt: '2025-01-01T00:01:30.500Z',
      durationMs: 90_500,
    });
  });

  test('a failed run names the error and no output', () => {
    const failure = { code: 'InputFormatError', message: 'orders.csv line 57: unterminated quoted field' };
    const summary = buildRunSummary({ ...base, status: 'FAILED', merge: undefined }, { finishedAt: new Date(0), failure });
    expect(summary).toEqual({
      runId: 'orders-1',
      status: 'FAILED',
      input: { bucket: 'b', key: 'input/orders.csv' },
      chunks: 4,
      error: failure,
      finishedAt: '1970-01-01T00:00:00.000Z',
    });
  });
});

describe('notificationEmail', () => {
  const secret = 'Côte d’Ivoire,Baby Food';

  test('a success names the counts and the links, not the records', () => {
    const summary = buildRunSummary(base, { finishedAt: new Date(125_000), startedAt: new Date(0).toISOString() });
    const email = notificationEmail(summary, { output: 'https://s3/out?sig', rejects: 'https://s3/rej?sig', expiresInSeconds: 86_400 });
    expect(email.subject).toBe('Batch run orders.csv: 9,990 valid, 10 rejected');
    expect(email.text).toContain('Records: 10,000\nValid: 9,990\nRejected: 10\nChunks: 4\nDuration: 2 min 5 s\nRun id: orders-1');
    expect(email.text).toContain('Output (output/orders-1/orders.csv):\nhttps://s3/out?sig');
    expect(email.text).toContain('Rejected records (output/orders-1/orders.rejects.csv):\nhttps://s3/rej?sig');
    expect(email.text).toContain('expire within 24 h');
    expect(email.text).not.toContain(secret);
  });

  test('a failure says what failed and that the input was kept', () => {
    const failure = { code: 'InputFormatError', message: 'orders.csv line 57: unterminated quoted field' };
    const summary = buildRunSummary({ ...base, status: 'FAILED', merge: undefined }, { finishedAt: new Date(), failure });
    const email = notificationEmail(summary);
    expect(email.subject).toBe('Batch run orders.csv failed: InputFormatError');
    expect(email.text).toContain('Error: InputFormatError\nCause: orders.csv line 57: unterminated quoted field');
    expect(email.text).toContain('No output was published. The input file was kept');
    expect(email.text).not.toMatch(/https?:/);
  });

  test('recipients are comma-separated, blanks ignored', () => {
    expect(recipientsFrom(' a@x.com, ,b@y.org ')).toEqual(['a@x.com', 'b@y.org']);
    expect(recipientsFrom('')).toEqual([]);
    expect(recipientsFrom(undefined)).toEqual([]);
  });
});
