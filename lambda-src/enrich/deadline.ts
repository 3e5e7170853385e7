import { ENRICH_FINISH_RESERVE_MS } from '../../src/contract/enrich-retries';
import { Clock, systemClock } from '../shared/clock';
import { EnrichmentUnavailable } from '../shared/errors';

/** What the handler is given by Lambda that the deadline is read from. */
export interface InvocationClock {
  getRemainingTimeInMillis(): number;
}

/**
 * The epoch milliseconds by which the lookups must have ended: the invocation's remaining time
 * less ENRICH_FINISH_RESERVE_MS, which the construct leaves too when it checks the HTTP
 * enricher's timeout and attempts against the function's timeout. Undefined without an invocation context (a direct call): no deadline.
 */
export function lookupDeadline(context: InvocationClock | undefined, now: number = Date.now()): number | undefined {
  return context === undefined ? undefined : now + context.getRemainingTimeInMillis() - ENRICH_FINISH_RESERVE_MS;
}

/**
 * Makes an SDK call with a signal that aborts it (its own retries included) at the deadline, or with
 * none without a deadline. The deadline's timer is disarmed once the call is over.
 */
export async function untilDeadline<T>(
  deadline: number | undefined, clock: Clock, call: (abortSignal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  if (deadline === undefined) return call(undefined);
  const deadlinePassed = new AbortController();
  const now = clock.now ?? systemClock.now;
  const disarm = (clock.setTimer ?? systemClock.setTimer)(Math.max(0, deadline - now()), () => deadlinePassed.abort());
  try {
    return await call(deadlinePassed.signal);
  } finally {
    disarm();
  }
}

/**
 * The error of a source that did not answer in time. Named EnrichmentUnavailable like any source
 * failure, so the chunk processor records it (a Lambda timeout would be retried and then recorded
 * only as a timeout).
 */
export function pastDeadline(source: string, attempts?: { count: number; lastReason: string }): EnrichmentUnavailable {
  const tried = attempts === undefined ? ''
    : attempts.count === 0 ? ' (no time left for a first attempt)'
      : ` (${attempts.count} attempts, last: ${attempts.lastReason})`;
  return new EnrichmentUnavailable(`${source} did not answer before the enrich-chunk function's deadline${tried}`);
}
