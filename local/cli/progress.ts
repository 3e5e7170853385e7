import { RunProgress } from '../run/app-run';

/** Chunks done of the total, and records/s estimated from the processor's chunk size (the last chunk may be smaller). */
export function formatProgress(p: RunProgress): string {
  const seconds = Math.max(p.elapsedMs / 1000, 0.001);
  const rate = Math.round((p.chunksDone * p.recordsPerChunk) / seconds);
  const failed = p.chunksFailed ? `, ${p.chunksFailed} failed` : '';
  return `chunks ${p.chunksDone}/${p.chunksTotal}${failed} · ~${rate.toLocaleString('en-US')} records/s · ${seconds.toFixed(1)} s`;
}

/** Redraws one status line on a terminal. */
export function terminalProgress(stream: NodeJS.WriteStream): (p: RunProgress) => void {
  return (p) => stream.write(`\r\x1b[2K${formatProgress(p)}`);
}
