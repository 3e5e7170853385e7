import { PassThrough } from 'node:stream';
import { formatProgress, terminalProgress } from '../../../local/cli/progress';

test('the progress line: chunks done of the total, failed ones when any, records/s from the chunk size, seconds', () => {
  expect(formatProgress({ recordsPerChunk: 1000, chunksTotal: 40, chunksDone: 12, chunksFailed: 0, elapsedMs: 4000 }))
    .toBe('chunks 12/40 · ~3,000 records/s · 4.0 s');
  expect(formatProgress({ recordsPerChunk: 500, chunksTotal: 8, chunksDone: 8, chunksFailed: 2, elapsedMs: 2500 }))
    .toBe('chunks 8/8, 2 failed · ~1,600 records/s · 2.5 s');
});

test('on a terminal, each update redraws the one line', () => {
  const stream = new PassThrough();
  let written = '';
  stream.on('data', (chunk: Buffer) => { written += chunk.toString(); });
  const show = terminalProgress(stream as unknown as NodeJS.WriteStream);
  show({ recordsPerChunk: 10, chunksTotal: 2, chunksDone: 1, chunksFailed: 0, elapsedMs: 1000 });
  show({ recordsPerChunk: 10, chunksTotal: 2, chunksDone: 2, chunksFailed: 0, elapsedMs: 2000 });
  expect(written).toBe('\r\x1b[2Kchunks 1/2 · ~10 records/s · 1.0 s\r\x1b[2Kchunks 2/2 · ~10 records/s · 2.0 s');
});
