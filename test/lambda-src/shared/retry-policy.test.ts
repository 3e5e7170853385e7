import { EnrichmentUnavailable } from '../../../lambda-src/shared/errors';
import { TransientFailure, backoffDelay, isRetryableStatus, withRetries } from '../../../lambda-src/shared/retry-policy';

const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 };

describe('retry policy', () => {
  test('retries throttling and server errors only', () => {
    expect([500, 502, 503, 504, 429].map(isRetryableStatus)).toEqual([true, true, true, true, true]);
    expect([200, 400, 403, 404].map(isRetryableStatus)).toEqual([false, false, false, false]);
  });

  test('backoff is full jitter under an exponential cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(policy, attempt, () => 0.999999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
    expect(backoffDelay(policy, 3, () => 0.5)).toBe(200);
  });

  test('retries transient failures until an attempt succeeds', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await withRetries(policy, async () => {
      calls++;
      if (calls < 3) throw new TransientFailure('HTTP 503');
      return 'ok';
    }, () => new Error('gave up'), { sleep: async (ms) => { delays.push(ms); }, random: () => 0.5 });
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(delays).toEqual([50, 100]);
  });

  test('gives up after maxAttempts with the error built from the last reason', async () => {
    let calls = 0;
    const attempt = async () => {
      calls++;
      throw new TransientFailure(`timeout ${calls}`);
    };
    const giveUp = (reason: string, attempts: number) => new EnrichmentUnavailable(`api.example.com failed ${attempts} attempts, last: ${reason}`);
    const failure = withRetries(policy, attempt, giveUp, { sleep: async () => undefined });
    await expect(failure).rejects.toThrow(EnrichmentUnavailable);
    await expect(failure).rejects.toThrow('api.example.com failed 4 attempts, last: timeout 4');
    expect(calls).toBe(4);
  });

  test('stops retrying when the next wait would end past the deadline, saying it ran out of time', async () => {
    let clock = 1_000;
    let calls = 0;
    const gaveUp: Array<[string, number, boolean]> = [];
    const failure = withRetries(policy, async () => {
      calls++;
      clock += 10;
      throw new TransientFailure(`HTTP 503 #${calls}`);
    }, (reason, attempts, outOfTime) => {
      gaveUp.push([reason, attempts, outOfTime]);
      return new EnrichmentUnavailable('out of time');
    }, { sleep: async (ms) => { clock += ms; }, random: () => 0.999999, now: () => clock, deadline: 1_200 });
    await expect(failure).rejects.toThrow('out of time');
    // 1,010 + a 99 ms wait fits; 1,119 + a 199 ms wait would end past 1,200: no third attempt, though 4 are allowed.
    expect(calls).toBe(2);
    expect(gaveUp).toEqual([['HTTP 503 #2', 2, true]]);
  });

  test('makes no attempt once the deadline has passed', async () => {
    let calls = 0;
    const failure = withRetries(policy, async () => {
      calls++;
      return 'ok';
    }, (reason, attempts, outOfTime) => new Error(`${JSON.stringify(reason)} ${attempts} ${outOfTime}`), { now: () => 5_000, deadline: 5_000 });
    await expect(failure).rejects.toThrow('"" 0 true');
    expect(calls).toBe(0);
  });

  test('does not retry other errors', async () => {
    let calls = 0;
    const failure = withRetries(policy, async () => {
      calls++;
      throw new Error('HTTP 403');
    }, () => new Error('gave up'), { sleep: async () => undefined });
    await expect(failure).rejects.toThrow('HTTP 403');
    expect(calls).toBe(1);
  });
});
