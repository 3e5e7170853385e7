import { ConcurrencyQuota, TooManyRequests } from '../../../local/lambda/concurrency-quota';
import { UsageError } from '../../../local/shared/usage-error';

// Lambda's concurrency quota counted as AWS counts it: invocations in flight, against the account's unreserved pool or
// the function's reserved concurrency, refused at once over it.

/** The error `acquire` throws (a test failure if it takes the slot). */
const refusalOf = (quota: ConcurrencyQuota, name: string): TooManyRequests => {
  try {
    quota.acquire(name);
  } catch (error) {
    return error as TooManyRequests;
  }
  throw new Error(`${name} was not throttled`);
};

test('over the account\'s limit an invocation is refused with Lambda\'s 429, ConcurrentInvocationLimitExceeded; a response frees its place', () => {
  const quota = new ConcurrencyQuota(new Map(), { limit: 2 });
  const first = quota.acquire('a');
  quota.acquire('b');
  const refused = refusalOf(quota, 'a');
  expect(refused).toBeInstanceOf(TooManyRequests);
  expect(refused).toMatchObject({
    name: 'Lambda.TooManyRequestsException', exception: 'TooManyRequestsException', statusCode: 429, message: 'Rate Exceeded.', reason: 'ConcurrentInvocationLimitExceeded',
  });
  first();
  expect(() => quota.acquire('c')).not.toThrow();
  expect(quota.stats()).toEqual({ throttles: 1, maxConcurrentInvocations: 2 });
});

test('a function\'s reserved concurrency caps it (ReservedFunctionConcurrentInvocationLimitExceeded) and is kept out of the others\' pool', () => {
  const quota = new ConcurrencyQuota(new Map([['reserved', 1]]), { limit: 102 });
  quota.acquire('reserved');
  expect(refusalOf(quota, 'reserved').reason).toBe('ReservedFunctionConcurrentInvocationLimitExceeded');
  // The other functions share 102 - 1.
  for (let i = 0; i < 101; i++) quota.acquire(`other-${i % 3}`);
  expect(refusalOf(quota, 'other-0').reason).toBe('ConcurrentInvocationLimitExceeded');
  expect(quota.stats()).toEqual({ throttles: 2, maxConcurrentInvocations: 102 });
});

test('a reserved concurrency of 0 throttles every invocation of the function', () => {
  const quota = new ConcurrencyQuota(new Map([['off', 0]]));
  expect(refusalOf(quota, 'off').reason).toBe('ReservedFunctionConcurrentInvocationLimitExceeded');
  expect(quota.stats()).toEqual({ throttles: 1, maxConcurrentInvocations: 0 });
});

test('the default is AWS\'s 1,000; reservations that leave fewer than 100 unreserved are refused before anything runs, as Lambda refuses them', () => {
  const quota = new ConcurrencyQuota(new Map([['reserved', 900]]));
  for (let i = 0; i < 100; i++) quota.acquire('other');
  expect(refusalOf(quota, 'other').reason).toBe('ConcurrentInvocationLimitExceeded');
  expect(() => new ConcurrencyQuota(new Map([['reserved', 901]]))).toThrow(UsageError);
  expect(() => new ConcurrencyQuota(new Map([['reserved', 1]]), { limit: 200, reservedElsewhere: 100 })).toThrow(
    /reserved 1, functions no run reaches 100\) leaves 99 of the account's concurrency of 200 unreserved.*minimum value of \[100\]/,
  );
  // A small account without reservations is AWS's too (a new account's quota may be lower than 1,000).
  expect(() => new ConcurrencyQuota(new Map(), { limit: 10 })).not.toThrow();
});
