/**
 * Lambda's concurrency quota, as AWS counts it. Concurrency is "the number of in-flight requests that your function
 * is currently handling" (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html), at most the account's
 * quota in the region, 1,000 by default (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). A
 * function's reserved concurrency (`ReservedConcurrentExecutions`) is both its own cap and taken out of the pool the
 * other functions share, of which Lambda keeps at least 100 unreserved
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html). An invocation over its limit is refused
 * at once: 429 `TooManyRequestsException`, "Rate Exceeded.", its `Reason` naming the limit
 * (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors).
 *
 * A model of the quota only: how many invocations this machine runs at once is the host's container pool's business,
 * so an invocation waiting for a container is in flight all the same.
 */
import { LambdaServiceError } from './invocation-limits';
import { UsageError } from '../shared/usage-error';

/** The account's concurrency quota in a region unless AWS raised it. */
export const DEFAULT_ACCOUNT_CONCURRENCY = 1000;
const MIN_UNRESERVED_CONCURRENCY = 100;

/** The `Reason` of a throttle: the function's reserved concurrency, or the account's unreserved pool. */
export type ThrottleReason = 'ReservedFunctionConcurrentInvocationLimitExceeded' | 'ConcurrentInvocationLimitExceeded';

/** Lambda's refusal of an invocation over its concurrency limit (Step Functions sees `Lambda.TooManyRequestsException`). */
export class TooManyRequests extends LambdaServiceError {
  constructor(readonly reason: ThrottleReason) {
    super('TooManyRequestsException', 429, 'Rate Exceeded.');
  }
}

/** The account's side of the quota. */
export interface AccountConcurrency {
  /** The account's concurrency quota in the region (`--lambda-concurrency`). @default 1000 */
  readonly limit?: number;
  /** Concurrency reserved by functions of the account that are not counted here (those no run reaches): out of the unreserved pool all the same. @default 0 */
  readonly reservedElsewhere?: number;
}

/** What the quota saw, for the run report. */
export interface ConcurrencyStats {
  /** Invocations refused with 429: synchronous ones, and each throttled attempt of an asynchronous one. */
  readonly throttles: number;
  /** The most invocations in flight at once, over all functions. */
  readonly maxConcurrentInvocations: number;
}

export class ConcurrencyQuota {
  private readonly unreservedPool: number;
  private readonly inFlight = new Map<string, number>();
  private unreservedInFlight = 0;
  private total = 0;
  private peak = 0;
  private throttles = 0;

  /** @param reserved each function's reserved concurrency, by name; a function not in it shares the unreserved pool */
  constructor(private readonly reserved: ReadonlyMap<string, number>, account: AccountConcurrency = {}) {
    const limit = account.limit ?? DEFAULT_ACCOUNT_CONCURRENCY;
    const reservedElsewhere = account.reservedElsewhere ?? 0;
    const reservedInAll = [...reserved.values()].reduce((sum, n) => sum + n, reservedElsewhere);
    this.unreservedPool = limit - reservedInAll;
    // Lambda refuses the reservation (PutFunctionConcurrency, and so the deployment) before anything runs.
    if (reservedInAll > 0 && this.unreservedPool < MIN_UNRESERVED_CONCURRENCY) {
      const each = [...reserved].map(([name, n]) => `${name} ${n}`);
      if (reservedElsewhere) each.push(`functions no run reaches ${reservedElsewhere}`);
      throw new UsageError(`the functions' reserved concurrency (${each.join(', ')}) leaves ${this.unreservedPool} of the account's `
        + `concurrency of ${limit} unreserved, and Lambda keeps at least ${MIN_UNRESERVED_CONCURRENCY}: AWS refuses it (InvalidParameterValueException, `
        + '"Specified ReservedConcurrentExecutions for function decreases account\'s UnreservedConcurrentExecution below its minimum value of '
        + `[${MIN_UNRESERVED_CONCURRENCY}]."); give --lambda-concurrency your account's quota if AWS raised it`);
    }
  }

  /**
   * Counts one invocation of the function in flight until the returned function is called (once, when it has its
   * response), or throws {@link TooManyRequests} when its limit is reached.
   */
  acquire(name: string): () => void {
    const reservation = this.reserved.get(name);
    const ownInFlight = this.inFlight.get(name) ?? 0;
    const full = reservation === undefined ? this.unreservedInFlight >= this.unreservedPool : ownInFlight >= reservation;
    if (full) {
      this.throttles++;
      throw new TooManyRequests(reservation === undefined ? 'ConcurrentInvocationLimitExceeded' : 'ReservedFunctionConcurrentInvocationLimitExceeded');
    }
    const step = (by: number) => {
      this.inFlight.set(name, (this.inFlight.get(name) ?? 0) + by);
      if (reservation === undefined) this.unreservedInFlight += by;
      this.total += by;
    };
    step(1);
    this.peak = Math.max(this.peak, this.total);
    return () => step(-1);
  }

  stats(): ConcurrencyStats {
    return { throttles: this.throttles, maxConcurrentInvocations: this.peak };
  }
}
