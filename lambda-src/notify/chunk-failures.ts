/**
 * Which chunks failed, and why, for a run whose Distributed Map gave up. On AWS the Map reports
 * only `States.ExceedToleratedFailureThreshold` with a generic cause; the error of each failed
 * chunk execution is in that child execution alone. So the chunk processor's Catch writes it
 * under the run's chunk failures prefix (key `<index>`, body the Cause, metadata `error` the
 * code), and this module turns those records into the run's failure.
 */
import { FailureCause } from './failure-cause';

/** Codes of a Map that stopped because its chunks failed. */
const MAP_FAILURE_CODES = new Set(['States.ExceedToleratedFailureThreshold']);

export function isChunkMapFailure(failure: FailureCause): boolean {
  return MAP_FAILURE_CODES.has(failure.code);
}

export interface ChunkFailure {
  /** The chunk's 0-based index, as in its keys and the logs. */
  readonly chunk: number;
  /** Input line of the chunk's first record, when the manifest was read. */
  readonly firstLine?: number;
  readonly cause: FailureCause;
}

/** The chunk indexes of the failure records among `keys`, ascending; other keys are ignored. */
export function failedChunkIndexes(keys: readonly string[], prefix: string): number[] {
  const indexes: number[] = [];
  for (const key of keys) {
    const match = key.startsWith(prefix) ? /^(\d+)$/.exec(key.slice(prefix.length)) : null;
    if (match) indexes.push(Number(match[1]));
  }
  return indexes.sort((a, b) => a - b);
}


function describeChunk(failure: ChunkFailure): string {
  return failure.firstLine === undefined ? `chunk ${failure.chunk}` : `chunk ${failure.chunk} (records from input line ${failure.firstLine})`;
}

/**
 * The run's failure told through its failed chunks: the first failed chunk's error code, and a
 * message naming it, its error, the other failed chunks and why the run stopped. Without any
 * failure record (e.g. the chunk processor could not write one) the Map's failure is kept.
 *
 * @param failures the first failed chunks, ascending by index
 * @param failedChunks how many chunks left a failure record (`failures` may hold fewer)
 */
export function explainMapFailure(mapFailure: FailureCause, failures: readonly ChunkFailure[], failedChunks: number): FailureCause {
  if (failures.length === 0) return mapFailure;
  const [first, ...others] = failures;
  const parts = [`${describeChunk(first)} failed with ${first.cause.code}: ${first.cause.message}`];
  for (const other of others) parts.push(`${describeChunk(other)} failed with ${other.cause.code}: ${other.cause.message}`);
  const unlisted = failedChunks - failures.length;
  if (unlisted > 0) parts.push(`${unlisted} more chunk${unlisted === 1 ? '' : 's'} failed`);
  parts.push(`the run stopped because more chunks failed than tolerated (${mapFailure.code})`);
  return { code: first.cause.code, message: parts.join('; ') };
}
