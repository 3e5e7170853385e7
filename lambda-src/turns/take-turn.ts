/**
 * TakeTurn's logic: whether a run may start now, or how long it waits before asking again.
 *
 * A run joins the queue under its ticket (upload order), and takes a turn when the turns held plus the
 * runs waiting ahead of it leave room under `maxConcurrentRuns`. The turn itself is taken by one
 * conditional write (RunQueueStore.takeTurn), so the limit holds however the takes interleave; the
 * count ahead only keeps the order.
 *
 * A run's release (release-turn.ts) may overlap its own last take: the execution ended (aborted, timed
 * out) while the take was in flight. Each write that could outlive the release is followed by a read of
 * the release mark, and undone when the mark is there; the release writes its mark before it removes
 * anything. Either the take's read sees the mark, or the release's removal comes after the take's write.
 */
import { RunQueueStore, Turn, WaitingEntry, queueKey, waitingCount } from './queue-store';
import { turnWaitCapSeconds, turnWaitSeconds } from '../../src/contract/run-turns';

export interface TakeTurnSettings {
  readonly maxConcurrentRuns: number;
  readonly runTimeoutSeconds: number;
}

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** In [0, 1). */
  random(): number;
}

/** The run asking: its id, its ticket and which attempt of it this is (`$$.Execution.RedriveCount`). */
export interface TurnRequest {
  readonly runId: string;
  readonly ticket: string;
  readonly redriveCount: number;
}

export interface TurnOutcome {
  readonly admitted: boolean;
  readonly waitSeconds: number;
  /** Turns held once this take is done. */
  readonly running: number;
  /** Runs waiting once this take is done; counted when the queue changed (a run joined or took a turn). */
  readonly waiting?: number;
}

export async function takeTurn(store: RunQueueStore, request: TurnRequest, settings: TakeTurnSettings, clock: Clock): Promise<TurnOutcome> {
  const now = clock.now();
  const nowSeconds = Math.floor(now / 1000);
  const { runId, redriveCount: attempt } = request;
  const max = settings.maxConcurrentRuns;

  // Turns past their deadline belong to runs that ended without a release (an event lost): dropped.
  const turns = await store.turns();
  const expired = turns.filter((turn) => turn.deadline <= nowSeconds);
  if (expired.length > 0) await store.dropTurns(expired);
  const held = turns.filter((turn) => turn.deadline > nowSeconds);
  if (held.some((turn) => turn.runId === runId && turn.attempt === attempt)) return { admitted: true, waitSeconds: 0, running: held.length };

  const key = queueKey(request.ticket, runId);
  let entry = await store.entry(key);
  let joined = false;
  if (entry === undefined || entry.expiresAt <= nowSeconds) {
    const fresh: WaitingEntry = { key, runId, attempt, queuedAt: now, expiresAt: nowSeconds + settings.runTimeoutSeconds };
    // Refused only when a second invocation of the same take joined first: its entry is this run's.
    entry = await store.join(fresh, nowSeconds) ? fresh : await store.entry(key) ?? fresh;
    if (await releasedAlready(store, request)) {
      await store.leave([key]);
      return ended(settings, held.length);
    }
    joined = true;
  }

  const holding = new Set(held.map((turn) => turn.runId));
  const room = max - held.length;
  if (room > 0 && await store.countAhead(key, nowSeconds, holding, room) < room) {
    const turn: Turn = { runId, attempt, deadline: entry.expiresAt };
    if (await store.takeTurn(turn, max)) {
      if (await releasedAlready(store, request)) {
        await store.dropTurns([turn]);
        await store.leave([key]);
        return ended(settings, held.length);
      }
      await store.leave([key]);
      return { admitted: true, waitSeconds: 0, running: held.length + 1, waiting: waitingCount(await store.entries(), nowSeconds, holding) };
    }
  }
  const waited = (now - entry.queuedAt) / 1000;
  return {
    admitted: false,
    waitSeconds: turnWaitSeconds(waited, turnWaitCapSeconds(settings.runTimeoutSeconds), clock.random()),
    running: held.length,
    waiting: joined ? waitingCount(await store.entries(), nowSeconds, holding) : undefined,
  };
}

/** Whether this attempt of the run (or a later one) has been released: its execution has ended. */
async function releasedAlready(store: RunQueueStore, request: TurnRequest): Promise<boolean> {
  const released = await store.releasedAttempt(request.runId);
  return released !== undefined && released >= request.redriveCount;
}

/** The answer to a take whose run has ended meanwhile: nobody reads it, the execution is over. */
function ended(settings: TakeTurnSettings, running: number): TurnOutcome {
  return { admitted: false, waitSeconds: turnWaitCapSeconds(settings.runTimeoutSeconds), running };
}
