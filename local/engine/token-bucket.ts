/**
 * A token bucket, as AWS throttles API actions: it holds at most `size` tokens and starts full; each request takes one,
 * and a request that finds it empty is throttled; tokens come back at `refillPerSecond`, continuously, up to `size`.
 */
export interface TokenBucketRate {
  readonly size: number;
  readonly refillPerSecond: number;
}

export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  /** @param now the clock the bucket refills by, in ms (injected by tests) */
  constructor(private readonly rate: TokenBucketRate, private readonly now: () => number = Date.now) {
    this.tokens = rate.size;
    this.refilledAt = now();
  }

  /** Takes a token: false, and nothing taken, when the bucket is empty. */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.rate.size, this.tokens + ((now - this.refilledAt) / 1000) * this.rate.refillPerSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}
