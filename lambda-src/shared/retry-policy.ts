/**
 * When and how long to retry a call to the enrichment source. Throttling (429), server errors
 * (5xx), timeouts and network errors are transient; anything else (404 included) is an answer.
 */
import { Clock, systemClock } from './clock';
import { ENRICH_RETRY_BACKOFF } from '../../src/contract/enrich-retries';

export interface RetryPolicy {
  readonly maxAttempts: number;
  /** Delay cap of the first retry; doubles with each attempt. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** The backoff is the one the construct budgets the enrich-chunk function's time with. */
export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 5, ...ENRICH_RETRY_BACKOFF };

/** Whether an HTTP status is worth another attempt. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * Exponential backoff with full jitter (a uniformly random delay up to the exponential cap), so
 * that the many records and Lambdas that hit a struggling endpoint at once do not retry in step.
 * `attempt` is the 1-based number of the attempt that just failed.
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * cap);
}

/** Thrown by an attempt whose failure is transient. */
export class TransientFailure extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TransientFailure';
  }
}

/** The clock (`sleep` between attempts, `now` for the deadline, `setTimer` for the calls' time limits). */
export interface RetryOptions extends Clock {
  readonly random?: () => number;
  /**
   * Epoch milliseconds after which no attempt starts, nor a wait that would end past it: the
   * handler's deadline. `giveUp` is then called with `outOfTime`.
   *
   * @default - none
   */
  readonly deadline?: number;
}

/**
 * Runs `attempt` until it returns, throws a non-transient error, or has failed `maxAttempts`
 * times with a `TransientFailure`; then `giveUp(lastReason, attempts, false)` builds the error to
 * throw. With a deadline, an attempt or a wait that cannot start or end before it is not made:
 * `giveUp(lastReason, attempts, true)` (lastReason is '' when no attempt was made).
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  attempt: (attemptNumber: number) => Promise<T>,
  giveUp: (lastReason: string, attempts: number, outOfTime: boolean) => Error,
  options: RetryOptions = {},
): Promise<T> {
  const sleep = options.sleep ?? systemClock.sleep;
  const now = options.now ?? systemClock.now;
  const outOfTime = (wait: number) => options.deadline !== undefined && now() + wait >= options.deadline;
  let lastReason = '';
  for (let attemptNumber = 1; ; attemptNumber++) {
    if (outOfTime(0)) throw giveUp(lastReason, attemptNumber - 1, true);
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      if (!(error instanceof TransientFailure)) throw error;
      lastReason = error.reason;
      if (attemptNumber >= policy.maxAttempts) throw giveUp(error.reason, attemptNumber, false);
      const delay = backoffDelay(policy, attemptNumber, options.random);
      if (outOfTime(delay)) throw giveUp(error.reason, attemptNumber, true);
      await sleep(delay);
    }
  }
}
