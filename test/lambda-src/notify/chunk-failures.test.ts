import { explainMapFailure, failedChunkIndexes, isChunkMapFailure } from '../../../lambda-src/notify/chunk-failures';

const cause = { code: 'EnrichmentUnavailable', message: 'enrichment endpoint api.example.com failed 5 attempts, last: HTTP 503' };
const mapFailure = { code: 'States.ExceedToleratedFailureThreshold', message: 'The specified tolerated failure threshold was exceeded' };

test('only a Map that gave up on its chunks is explained through them', () => {
  expect(isChunkMapFailure(mapFailure)).toBe(true);
  expect(isChunkMapFailure({ code: 'InputFormatError', message: 'orders.csv line 3: unterminated quoted field' })).toBe(false);
});

test('finds the failed chunks among the listed keys, in numeric order', () => {
  const prefix = 'runs/orders-1/failures/';
  const keys = [`${prefix}10`, `${prefix}2`, `${prefix}notes.txt`, `${prefix}3.json`, 'runs/orders-1/failures-old/1', `${prefix}0`];
  expect(failedChunkIndexes(keys, prefix)).toEqual([0, 2, 10]);
});

test('names the first failed chunk, its line and error, the other chunks, and why the run stopped', () => {
  const one = explainMapFailure(mapFailure, [{ chunk: 3, firstLine: 3001, cause }], 1);
  expect(one.code).toBe('EnrichmentUnavailable');
  expect(one.message).toBe('chunk 3 (records from input line 3001) failed with EnrichmentUnavailable: enrichment endpoint api.example.com failed 5 attempts, last: HTTP 503; '
    + 'the run stopped because more chunks failed than tolerated (States.ExceedToleratedFailureThreshold)');

  const several = explainMapFailure(mapFailure, [{ chunk: 0, cause }, { chunk: 4, cause: { code: 'Sandbox.Timedout', message: 'Task timed out' } }], 7);
  expect(several.code).toBe('EnrichmentUnavailable');
  expect(several.message).toMatch(/^chunk 0 failed with EnrichmentUnavailable: .*; chunk 4 failed with Sandbox\.Timedout: Task timed out; 5 more chunks failed; the run stopped/);
});

test('keeps the Map\'s failure when no chunk recorded one', () => {
  expect(explainMapFailure(mapFailure, [], 0)).toEqual(mapFailure);
});
