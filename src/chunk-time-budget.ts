import { Duration } from 'aws-cdk-lib';
import { ENRICH_FINISH_RESERVE_MS, ENRICH_RETRY_BACKOFF } from './contract/enrich-retries';

/**
 * The chunk processor's time. It is an Express state machine: an Express execution ends at
 * 5 minutes, and that timeout ends the execution itself, so no Catch runs and no failure record
 * is written (https://docs.aws.amazon.com/step-functions/latest/dg/choosing-workflow-type.html).
 * The worst case of its Task states, each TimeoutSeconds × (1 + its retries) plus the longest
 * waits between retries, must stay well inside that:
 *
 *   ValidateChunk      20 s × 2 + 1 s
 *   EnrichChunk        70 s × 2 + 1 s
 *   RecordRejects      20 s × 2 + 1 s
 *   RecordChunkFailure  5 s × 2 + 1 s   = 234 s ≤ 240 s
 *
 * A Lambda task retries once (a throttled, crashed or timed-out invocation, or a Lambda service
 * error; a function timeout is reported as Lambda.Unknown:
 * https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html). Beyond
 * that the orchestrator's Distributed Map retries the whole chunk. Enrichment gets the most time:
 * it waits on a source outside the pipeline; validating and recording a chunk's rejects take
 * seconds at the default chunk size.
 */
export const CHUNK_STEP_TIMEOUTS = {
  validate: Duration.seconds(20),
  enrich: Duration.seconds(70),
  recordRejects: Duration.seconds(20),
  /** The S3 PutObject of a failed chunk's error record: a small body. */
  recordFailure: Duration.seconds(5),
};

/** How many times each chunk step is retried in place. */
export const CHUNK_STEP_RETRIES = 1;

/** The first (and, with one retry, only) wait before a chunk step is retried. */
export const CHUNK_STEP_RETRY_INTERVAL = Duration.seconds(1);

/** The longest one request can take with all its attempts: each attempt's timeout plus the longest wait before each retry. */
export function enrichRequestWorstCaseMs(timeoutMs: number, maxAttempts: number): number {
  let waits = 0;
  for (let retry = 1; retry < maxAttempts; retry++) {
    waits += Math.min(ENRICH_RETRY_BACKOFF.maxDelayMs, ENRICH_RETRY_BACKOFF.baseDelayMs * 2 ** (retry - 1));
  }
  return timeoutMs * maxAttempts + waits;
}

/**
 * The time one enrichment request may take with all its attempts: the enrich-chunk timeout less
 * what it keeps to read and write the chunk once its lookups end (src/contract/enrich-retries.ts).
 */
export function enrichRequestBudgetMs(): number {
  return CHUNK_STEP_TIMEOUTS.enrich.toMilliseconds() - ENRICH_FINISH_RESERVE_MS;
}
