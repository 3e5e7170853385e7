import { checkLambdaConcurrency, invocationsPerChunk } from '../../src/lambda-concurrency';

describe('invocations in flight from one chunk execution', () => {
  test('one, its step\'s function, when no Lambda validator or enricher is called', () => {
    expect(invocationsPerChunk(1000, { kind: 'none' }, undefined)).toBe(1);
    expect(invocationsPerChunk(1000, { kind: 'json-schema', schema: '{}' }, { kind: 'http', url: 'https://x/{id}' })).toBe(1);
    expect(invocationsPerChunk(1000, { kind: 'none' }, { kind: 'table', tableName: 't', keyColumn: 'id', keyAttribute: 'id' })).toBe(1);
  });

  test('plus the batches a Lambda validator or enricher is sent at once, which the chunk size and their concurrency bound', () => {
    // 2 batches of 500: the validator's 4 at once are never reached.
    expect(invocationsPerChunk(1000, { kind: 'lambda', functionName: 'v' }, undefined)).toBe(3);
    expect(invocationsPerChunk(1000, { kind: 'lambda', functionName: 'v', batchSize: 10 }, undefined)).toBe(5);
    // The steps run one after the other: the larger of the two, not their sum.
    expect(invocationsPerChunk(1000, { kind: 'lambda', functionName: 'v', batchSize: 10 }, { kind: 'lambda', functionName: 'e', batchSize: 10 })).toBe(17);
    expect(invocationsPerChunk(1000, { kind: 'none' }, { kind: 'lambda', functionName: 'e', batchSize: 100, concurrency: 4 })).toBe(5);
  });
});

describe('the budget', () => {
  const needs = { maxConcurrentRuns: 10, maxConcurrency: 10, perChunk: 1, chunkFunctions: 3 };

  test('is not checked unless given; a reserved concurrency is checked against the chunk executions alone then', () => {
    expect(() => checkLambdaConcurrency({ ...needs, maxConcurrentRuns: 1000 })).not.toThrow();
    expect(() => checkLambdaConcurrency({ ...needs, chunkFunctionsReservedConcurrency: 99 })).toThrow(/< maxConcurrentRuns \(10\) × maxConcurrency \(10\) = 100/);
  });

  test('counts, with reserved concurrency, the Lambda enricher\'s batches of every chunk beside the reserved functions', () => {
    // 3 × 100 reserved + 10 runs × 10 chunks × 4 batches + 3 = 703.
    expect(() => checkLambdaConcurrency({ ...needs, perChunk: 5, chunkFunctionsReservedConcurrency: 100, lambdaConcurrency: 702 }))
      .toThrow('chunkFunctionsReservedConcurrency (100) × 3 chunk functions + maxConcurrentRuns (10) × 40 concurrent invocations each outside them '
        + '+ 3 for the other functions = 703 > lambdaConcurrency (702)');
    expect(() => checkLambdaConcurrency({ ...needs, perChunk: 5, chunkFunctionsReservedConcurrency: 100, lambdaConcurrency: 703 })).not.toThrow();
  });
});
