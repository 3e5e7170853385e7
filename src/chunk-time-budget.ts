import { Duration } from 'aws-cdk-lib';
import { ENRICH_FINISH_RESERVE_MS, ENRICH_RETRY_BACKOFF } from './contract/enrich-retries';

/**
 * The chunk processor's time. It is an Express state machine: an Express execution ends at
 * 5 minutes, and that timeout ends the execution itself, so no Catch runs and no failure record
 * is written (https://docs.aws.amazon.com/step-functions/latest/dg/choosing-workflow-type.html).
 * The worst case of its Task states, each TimeoutSeconds × (1 + its retries) plus the longest
 * waits between retries, plus each Lambda step's throttled attempts and their waits, must stay
 * well inside that:
 *
 *   ValidateChunk      20 s × 2 + 1 s  + throttled 3 × 1 s + (1 + 2 + 4) s
 *   EnrichChunk        70 s × 2 + 1 s  + throttled 3 × 1 s + (1 + 2 + 4) s
 *   RecordRejects      20 s × 2 + 1 s  + throttled 3 × 1 s + (1 + 2 + 4) s
 *   RecordChunkFailure  5 s × 2 + 1 s                                      = 264 s ≤ 270 s
 *
 * A Lambda step retries once a crashed or timed-out invocation, or a Lambda service error
 * (src/handler-task.ts has the error names and where they are documented). Throttling has a
 * retrier of its own (CHUNK_STEP_THROTTLE_RETRY): a throttled invocation is refused before the
 * function runs, so its attempts cost the Invoke's round trip (CHUNK_STEP_THROTTLED_ATTEMPT), not
 * the step's timeout. Beyond that the orchestrator's Distributed Map retries the whole chunk.
 * Enrichment gets the most time: it waits on a source outside the pipeline; validating and
 * recording a chunk's rejects take seconds at the default chunk size. The 30 s left of the
 * 5 minutes cover the state transitions and the starts of the execution and its invocations.
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

/**
 * How a throttled chunk step is retried: 3 times, full jitter over 1, 2 and 4 s (at most 7 s of
 * waits). What the budget above leaves, not what a long burst of throttling needs: the
 * orchestrator's Distributed Map retries the chunk after that.
 */
export const CHUNK_STEP_THROTTLE_RETRY = { maxAttempts: 3, interval: Duration.seconds(1), maxDelay: Duration.seconds(4) };

/**
 * What one throttled attempt is counted for in the budget: Lambda answers the Invoke with 429
 * without running the function (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html). How
 * long that answer takes is not documented: a second is assumed, well above an API round trip.
 */
export const CHUNK_STEP_THROTTLED_ATTEMPT = Duration.seconds(1);

/** The longest an Express chunk execution may take by its definition, of the 300 s Express executions have. */
export const CHUNK_PROCESSOR_BUDGET = Duration.seconds(270);

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
