import { ENRICH_FINISH_RESERVE_MS } from '../../src/contract/enrich-retries';
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

/** A signal that aborts an SDK call (with its own retries) at the deadline; undefined without one. */
export function deadlineSignal(deadline: number | undefined): AbortSignal | undefined {
  return deadline === undefined ? undefined : AbortSignal.timeout(Math.max(0, deadline - Date.now()));
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
