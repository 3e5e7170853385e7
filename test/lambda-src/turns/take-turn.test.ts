import * as fc from 'fast-check';
import { releaseTurn } from '../../../lambda-src/turns/release-turn';
import { takeTurn, TakeTurnSettings, TurnOutcome } from '../../../lambda-src/turns/take-turn';
import { MemoryQueueStore } from '../../support/memory-store';

const T0 = Date.parse('2025-03-01T09:00:00.000Z');
const HOUR = 3600;

/** A queue with a clock the test moves; tickets are given by upload order `n`. */
function queue(maxConcurrentRuns: number, store = new MemoryQueueStore()) {
  const settings: TakeTurnSettings = { maxConcurrentRuns, runTimeoutSeconds: HOUR };
  let now = T0;
  return {
    store,
    take: (runId: string, upload: number, redriveCount = 0): Promise<TurnOutcome> =>
      takeTurn(store, { runId, ticket: ticketOf(upload), redriveCount }, settings, { now: () => now, random: () => 0.5 }),
    release: (runId: string, redriveCount = 0) => releaseTurn(store, { runId, redriveCount }, Math.floor(now / 1000)),
    advance: (seconds: number) => {
      now += seconds * 1000;
    },
  };
}

const ticketOf = (upload: number) => `2025-03-01T08:00:${String(upload).padStart(2, '0')}.000Z#${'0'.repeat(32)}`;

describe('taking a turn', () => {
  test('admits up to maxConcurrentRuns runs, and tells the next to wait', async () => {
    const { take, store } = queue(2);
    expect(await take('a', 1)).toMatchObject({ admitted: true, waitSeconds: 0, running: 1, waiting: 0 });
    expect(await take('b', 2)).toMatchObject({ admitted: true, running: 2 });
    expect(await take('c', 3)).toMatchObject({ admitted: false, running: 2, waiting: 1 });
    expect([...store.held.values()].map((turn) => turn.runId).sort()).toEqual(['a', 'b']);
    // Admitted runs leave the queue: only c waits.
    expect([...store.queue.values()].map((entry) => entry.runId)).toEqual(['c']);
  });

  test('a run that asks again once admitted keeps its one turn (a retried invocation)', async () => {
    const { take, store } = queue(1);
    await take('a', 1);
    expect(await take('a', 1)).toMatchObject({ admitted: true, running: 1 });
    expect(store.held.size).toBe(1);
  });

  test('in upload order: a run never overtakes an earlier one still waiting, whoever asks first', async () => {
    const { take, release } = queue(1);
    await take('a', 1);
    await take('c', 3);
    await take('b', 2);
    await release('a');
    expect(await take('c', 3)).toMatchObject({ admitted: false });
    expect(await take('b', 2)).toMatchObject({ admitted: true });
    await release('b');
    expect(await take('c', 3)).toMatchObject({ admitted: true });
  });

  test('the waits grow with the time waited, from 5 s, with jitter over the upper half', async () => {
    const { take, advance } = queue(1);
    await take('a', 1);
    expect((await take('b', 2)).waitSeconds).toBe(4);
    advance(40);
    expect((await take('b', 2)).waitSeconds).toBe(30);
    advance(3000);
    // Capped at a minute (the cap of a 1-hour runTimeout): 45 s with the jitter drawn in the middle.
    expect((await take('b', 2)).waitSeconds).toBe(45);
  });

  test('only a take that changed the queue counts the runs waiting: a run that waits on reads two items and a page', async () => {
    const { take } = queue(1);
    await take('a', 1);
    expect((await take('b', 2)).waiting).toBe(1);
    expect((await take('b', 2)).waiting).toBeUndefined();
  });
});

describe('a run that ends gives up its turn or its place', () => {
  test('a waiting run that fails, times out or is aborted never blocks the runs behind it', async () => {
    const { take, release, store } = queue(1);
    await take('a', 1);
    await take('b', 2);
    await take('c', 3);
    expect(await release('b')).toMatchObject({ released: true, running: 1, waiting: 1 });
    expect(await release('a')).toMatchObject({ released: true, running: 0, waiting: 1 });
    expect(await take('c', 3)).toMatchObject({ admitted: true });
    await release('c');
    expect([store.held.size, store.queue.size]).toEqual([0, 0]);
  });

  test('a release delivered twice is harmless; a late one of an earlier attempt leaves a redriven attempt its turn', async () => {
    const { take, release, store } = queue(1);
    await take('a', 1);
    await release('a');
    expect(await release('a')).toMatchObject({ released: true, running: 0 });
    await take('a', 1, 1);
    expect(await release('a', 0)).toMatchObject({ running: 1 });
    expect([...store.held.values()]).toEqual([expect.objectContaining({ runId: 'a', attempt: 1 })]);
    await release('a', 1);
    // Later still: attempt 1 has been released, attempt 0's event is older than its mark.
    expect(await release('a', 0)).toEqual({ released: false });
    expect(store.held.size).toBe(0);
  });

  test('a turn held past its run\'s deadline (its release lost) is dropped, as is a waiting entry', async () => {
    const { take, advance, store } = queue(1);
    await take('a', 1);
    await take('b', 2);
    advance(HOUR);
    // a's execution has timed out by now: its turn goes; b's own entry is past its deadline too, and b joins again.
    expect(await take('b', 2)).toMatchObject({ admitted: true, running: 1 });
    expect([...store.held.values()].map((turn) => turn.runId)).toEqual(['b']);
  });

  test('a redriven run that stopped while waiting queues again in its upload\'s place', async () => {
    const { take, release } = queue(1);
    await take('x', 1);
    await take('a', 2);
    await release('a');
    await take('d', 3);
    expect(await take('a', 2, 1)).toMatchObject({ admitted: false, waiting: 2 });
    await release('x');
    expect(await take('d', 3)).toMatchObject({ admitted: false });
    expect(await take('a', 2, 1)).toMatchObject({ admitted: true });
  });
});

describe('a release that overlaps the run\'s own take (the execution ended while TakeTurn ran)', () => {
  /** A queue whose `call` of the take runs the release first, once. */
  function releasedDuring(call: string, max = 1) {
    let release: (() => Promise<unknown>) | undefined;
    const store = new MemoryQueueStore(async (step) => {
      if (step === call && release) {
        const releasing = release;
        release = undefined;
        await releasing();
      }
    });
    const q = queue(max, store);
    return { ...q, releaseAt: (runId: string) => { release = () => q.release(runId); } };
  }

  test('released before its first take joins: the entry it then puts is taken out again', async () => {
    const { take, store, releaseAt } = releasedDuring('join');
    await take('a', 1);
    releaseAt('b');
    expect(await take('b', 2)).toMatchObject({ admitted: false });
    expect(store.queue.size).toBe(0);
  });

  test('released before it takes its turn: the turn it then takes is given back', async () => {
    const { take, store, releaseAt } = releasedDuring('takeTurn');
    releaseAt('a');
    expect(await take('a', 1)).toMatchObject({ admitted: false });
    expect([store.held.size, store.queue.size]).toEqual([0, 0]);
  });
});

describe('however takes and releases interleave', () => {
  /** A run: its upload order, and after how many refused turns it is aborted (never: it runs, then ends). */
  const runs = fc.array(fc.record({ abortAfter: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }) }), { minLength: 1, maxLength: 6 });

  test('no more than maxConcurrentRuns are ever admitted at once, every run gets its turn or ends, and nothing is left behind', async () => {
    await fc.assert(fc.asyncProperty(fc.scheduler(), fc.integer({ min: 1, max: 3 }), runs, async (s, max, plan) => {
      const store = new MemoryQueueStore((step) => s.schedule(Promise.resolve(step)).then(() => undefined));
      const { take, release } = queue(max, store);
      let running = 0;
      let mostRunning = 0;
      const lifecycle = async (runId: string, upload: number, abortAfter: number | undefined) => {
        for (let refused = 0; refused < 500; refused++) {
          if (abortAfter !== undefined && refused >= abortAfter) {
            // Aborted while a take may be in flight: the take and the release overlap.
            await Promise.all([take(runId, upload), release(runId)]);
            return;
          }
          if ((await take(runId, upload)).admitted) {
            // It splits, processes, publishes and ends; its end's status change then releases its turn.
            running++;
            mostRunning = Math.max(mostRunning, running);
            await s.schedule(Promise.resolve('run'));
            running--;
            await release(runId);
            return;
          }
        }
        throw new Error(`${runId} never got a turn`);
      };
      await s.waitFor(Promise.all(plan.map((run, i) => lifecycle(`run-${i}`, i, run.abortAfter))));
      expect(mostRunning).toBeLessThanOrEqual(max);
      expect(store.maxHeld).toBeLessThanOrEqual(max);
      expect([store.held.size, store.queue.size]).toEqual([0, 0]);
    }), { numRuns: 150 });
  });
});
