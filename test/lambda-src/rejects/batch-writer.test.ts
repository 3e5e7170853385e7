import { WriteRequest } from '@aws-sdk/client-dynamodb';
import { putItems } from '../../../lambda-src/rejects/batch-writer';
import { expiryOf, rejectItem } from '../../../lambda-src/rejects/reject-items';

const items = Array.from({ length: 60 }, (_, i) => rejectItem('run-1', 0, { line: i + 2, fields: ['a'], reasons: ['r'] }, 100));

test('writes in batches of 25 and retries unprocessed items with backoff', async () => {
  const sent: number[] = [];
  const stored = new Set<string>();
  const sleeps: number[] = [];
  let firstCall = true;
  await putItems('rejects', items, {
    concurrency: 2,
    sleep: async (ms) => { sleeps.push(ms); },
    send: async (_table, requests: WriteRequest[]) => {
      sent.push(requests.length);
      // The first batch: DynamoDB takes only 10 items.
      const taken = firstCall ? requests.slice(0, 10) : requests;
      firstCall = false;
      for (const r of taken) stored.add(r.PutRequest!.Item!.line.N!);
      return requests.slice(taken.length);
    },
  });
  // Batches of 25, 25 and 10; then the 15 items left over from the first.
  expect(sent).toHaveLength(4);
  expect([...sent].sort((a, b) => a - b)).toEqual([10, 15, 25, 25]);
  expect(stored.size).toBe(60);
  expect(sleeps).toHaveLength(1);
});

test('gives up with a clear error when items stay unprocessed', async () => {
  await expect(putItems('rejects', items.slice(0, 3), { maxAttempts: 3, sleep: async () => undefined, send: async (_t, r) => r }))
    .rejects.toThrow('DynamoDB left 3 of 3 items of a batch unprocessed after 3 attempts (table rejects)');
});

test('items carry the table attributes and a TTL in epoch seconds', () => {
  expect(expiryOf(new Date('2024-01-01T00:00:00Z'), 30)).toBe(1704067200 + 30 * 86400);
  expect(rejectItem('r', 3, { line: 9, fields: ['x', ''], reasons: ['bad'] }, 5)).toEqual({
    runId: { S: 'r' },
    line: { N: '9' },
    chunk: { N: '3' },
    fields: { L: [{ S: 'x' }, { S: '' }] },
    reasons: { L: [{ S: 'bad' }] },
    expiresAt: { N: '5' },
  });
});
