import { ProgressWatch, RunProgress } from '../../../local/run/run-progress';

test('the chunks of several runs count together: each Map Run\'s latest report, summed', () => {
  const seen: RunProgress[] = [];
  const watch = new ProgressWatch({ recordsPerChunk: 10, started: Date.now(), onProgress: (p) => seen.push(p) });
  watch.onMapProgress({ mapRunArn: 'run-a', total: 3, done: 1, failed: 0 });
  watch.onMapProgress({ mapRunArn: 'run-b', total: 2, done: 0, failed: 0 });
  watch.onMapProgress({ mapRunArn: 'run-a', total: 3, done: 3, failed: 1 });
  expect(seen.map(({ chunksTotal, chunksDone, chunksFailed }) => [chunksTotal, chunksDone, chunksFailed])).toEqual([[3, 1, 0], [5, 1, 0], [5, 3, 1]]);
  expect(watch.chunks).toEqual({ chunksTotal: 5, chunksDone: 3, chunksFailed: 1 });
});

test('abortAfterChunks stops the run once that many chunks are done over every Map Run', () => {
  const stop = jest.fn();
  const watch = new ProgressWatch({ recordsPerChunk: 10, started: Date.now(), abortAfterChunks: 2 });
  watch.stopsWith(stop);
  watch.onMapProgress({ mapRunArn: 'run-a', total: 3, done: 1, failed: 0 });
  expect(stop).not.toHaveBeenCalled();
  watch.onMapProgress({ mapRunArn: 'run-b', total: 3, done: 1, failed: 0 });
  expect(stop).toHaveBeenCalledTimes(1);
});
