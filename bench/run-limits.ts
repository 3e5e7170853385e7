/**
 * How large one run may be: split-input and merge-chunks each stream the whole file in one Lambda
 * invocation, and the Distributed Map reads the chunk manifest as its item source.
 */

import { MAP_MAX_ITEM_FILE_BYTES, MAP_MAX_ITEMS } from '../lambda-src/split/map-item-source';
import { LAMBDA_MB_PER_VCPU } from '../src/resolved-props';

/** A Lambda invocation runs for at most 15 minutes (https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html). */
export const LAMBDA_MAX_SECONDS = 900;

export interface RunLimitInputs {
  /** split-input's measured rate, records per second, on one core of the measuring machine. */
  readonly splitRecordsPerSec: number;
  /** merge-chunks' measured rate, likewise. */
  readonly mergeRecordsPerSec: number;
  /** split-input's and merge-chunks' memory (the construct's `splitAndMergeMemorySize`). */
  readonly memoryMb: number;
  /** Records per chunk: one manifest item each. */
  readonly chunkSize: number;
  /** Bytes of manifest per chunk, as measured. */
  readonly manifestBytesPerChunk: number;
}

export interface RunLimits {
  /** The largest input every bound below allows. */
  readonly maxRecordsPerRun: number;
  /** What each bound allows, in records. */
  readonly by: { readonly split: number; readonly merge: number; readonly mapItems: number; readonly manifestBytes: number };
  /** The Lambda's share of a vCPU at `memoryMb`, taken as that share of one core of the measuring machine. */
  readonly lambdaVcpu: number;
}

/**
 * The largest run, in records: what split and merge each get through in 15 minutes at the measured
 * rates, scaled by the CPU a Lambda has at `memoryMb` (assumed: one Lambda vCPU does what one core of
 * the measuring machine does; below 1,769 MB a function has that fraction of it, above it more vCPUs
 * that a single-threaded stream does not use, so no more than one), and what the Distributed Map's
 * item source reads.
 */
export function runLimits(inputs: RunLimitInputs): RunLimits {
  const lambdaVcpu = Math.min(1, inputs.memoryMb / LAMBDA_MB_PER_VCPU);
  const within15Minutes = (recordsPerSec: number) => Math.floor(recordsPerSec * lambdaVcpu * LAMBDA_MAX_SECONDS);
  const by = {
    split: within15Minutes(inputs.splitRecordsPerSec),
    merge: within15Minutes(inputs.mergeRecordsPerSec),
    mapItems: MAP_MAX_ITEMS * inputs.chunkSize,
    manifestBytes: Math.floor(MAP_MAX_ITEM_FILE_BYTES / inputs.manifestBytesPerChunk) * inputs.chunkSize,
  };
  return { maxRecordsPerRun: Math.min(...Object.values(by)), by, lambdaVcpu };
}
