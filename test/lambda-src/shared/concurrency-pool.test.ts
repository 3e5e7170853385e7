import { mapWithConcurrency } from '../../../lambda-src/shared/concurrency-pool';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('mapWithConcurrency', () => {
  test('keeps results in item order and never exceeds the limit', async () => {
    let inFlight = 0;
    let peak = 0;
    const items = Array.from({ length: 20 }, (_, i) => i);
    const results = await mapWithConcurrency(items, 3, async (item) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await tick((item * 7) % 5);
      inFlight--;
      return item * 2;
    });
    expect(results).toEqual(items.map((i) => i * 2));
    expect(peak).toBe(3);
  });

  test('stops starting calls after a failure and rethrows it', async () => {
    const started: number[] = [];
    const run = mapWithConcurrency(Array.from({ length: 50 }, (_, i) => i), 2, async (item) => {
      started.push(item);
      await tick(1);
      if (item === 3) throw new Error('boom');
      return item;
    });
    await expect(run).rejects.toThrow('boom');
    expect(started.length).toBeLessThan(10);
  });

  test('handles no items and rejects a bad limit', async () => {
    await expect(mapWithConcurrency([], 4, async () => 1)).resolves.toEqual([]);
    await expect(mapWithConcurrency([1], 0, async () => 1)).rejects.toThrow(/positive integer/);
  });
});
