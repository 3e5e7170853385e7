import type { MapProgress } from '../engine/step-functions';

/**
 * A run's progress as the Distributed Map reports it: passed on to `onProgress`, kept for a result without a
 * summary, and, with the test hook `abortAfterChunks`, the run stopped once that many chunks are done.
 */
export interface RunProgress {
  /** The processor's chunk size: records per chunk, the last one excepted. */
  readonly recordsPerChunk: number;
  readonly chunksTotal: number;
  readonly chunksDone: number;
  readonly chunksFailed: number;
  readonly elapsedMs: number;
}

export interface ProgressWatchOptions {
  readonly recordsPerChunk: number;
  /** When the work began, in epoch ms: `elapsedMs` counts from it. */
  readonly started: number;
  readonly onProgress?: (progress: RunProgress) => void;
  /** Stop the run once this many chunks are done. @default never */
  readonly abortAfterChunks?: number;
}

export class ProgressWatch {
  /** The chunks the Maps reported, over every Map Run (none before one starts): several inputs' runs count together. */
  chunks = { chunksTotal: 0, chunksDone: 0, chunksFailed: 0 };
  /** Each Map Run's latest report. */
  private readonly mapRuns = new Map<string, MapProgress>();
  private stopRun?: () => void;

  constructor(private readonly options: ProgressWatchOptions) {}

  /** For the local cloud's `onMapProgress`. */
  readonly onMapProgress = (p: MapProgress): void => {
    this.mapRuns.set(p.mapRunArn, p);
    const sum = (count: 'total' | 'done' | 'failed') => [...this.mapRuns.values()].reduce((n, run) => n + run[count], 0);
    this.chunks = { chunksTotal: sum('total'), chunksDone: sum('done'), chunksFailed: sum('failed') };
    this.options.onProgress?.({ ...this.chunks, recordsPerChunk: this.options.recordsPerChunk, elapsedMs: Date.now() - this.options.started });
    if (this.options.abortAfterChunks !== undefined && this.chunks.chunksDone >= this.options.abortAfterChunks) this.stopRun?.();
  };

  /** How to stop the run (`abortAfterChunks`), once its execution is known. */
  stopsWith(stop: () => void): void {
    this.stopRun = stop;
  }
}
