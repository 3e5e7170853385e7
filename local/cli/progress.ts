import { RunProgress } from '../run/runner';

/** Records per chunk estimate is not known to the runner: progress is in chunks, and records/s from the chunk size. */
export function formatProgress(p: RunProgress, recordsPerChunk: number): string {
  const seconds = Math.max(p.elapsedMs / 1000, 0.001);
  const rate = Math.round((p.chunksDone * recordsPerChunk) / seconds);
  const failed = p.chunksFailed ? `, ${p.chunksFailed} failed` : '';
  return `chunks ${p.chunksDone}/${p.chunksTotal}${failed} · ~${rate.toLocaleString('en-US')} records/s · ${seconds.toFixed(1)} s`;
}

/** Redraws one status line on a terminal. */
export function terminalProgress(stream: NodeJS.WriteStream, recordsPerChunk: number): (p: RunProgress) => void {
  return (p) => stream.write(`\r\x1b[2K${formatProgress(p, recordsPerChunk)}`);
}
