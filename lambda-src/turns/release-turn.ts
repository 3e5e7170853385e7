/**
 * The release of a run that ended, whatever the way (SUCCEEDED, FAILED, TIMED_OUT, ABORTED: its
 * execution's status change): its turn and its place in the queue go, so that it never keeps either.
 * Every step may be repeated (EventBridge delivers at least once, Lambda retries). The mark comes
 * first: a take of the same run still in flight reads it after its own write (take-turn.ts).
 */
import { RunQueueStore, waitingCount } from './queue-store';

/** How long a release mark is kept: far longer than a take in flight when the run ended can last (seconds). */
export const RELEASE_MARK_SECONDS = 24 * 3600;

/** The run that ended: its id (the execution's name) and which attempt ended (the event's `redriveCount`). */
export interface ReleaseRequest {
  readonly runId: string;
  readonly redriveCount: number;
}

export interface ReleaseOutcome {
  /** False for a late event, of an attempt older than one already released: nothing is changed. */
  readonly released: boolean;
  /** Turns held and runs waiting once released. */
  readonly running?: number;
  readonly waiting?: number;
}

export async function releaseTurn(store: RunQueueStore, request: ReleaseRequest, nowSeconds: number): Promise<ReleaseOutcome> {
  const { runId, redriveCount } = request;
  if (!await store.markReleased(runId, redriveCount, nowSeconds + RELEASE_MARK_SECONDS)) return { released: false };
  // This attempt's, and any earlier one's whose release was lost; never a later attempt's (a late event).
  const ended = (item: { readonly runId: string; readonly attempt: number }) => item.runId === runId && item.attempt <= redriveCount;
  const turns = await store.turns();
  const mine = turns.filter(ended);
  if (mine.length > 0) await store.dropTurns(mine);
  // Found by run id, not by ticket: the run's entry whatever ticket it queued under.
  const entries = await store.entries();
  const places = entries.filter(ended);
  if (places.length > 0) await store.leave(places.map((entry) => entry.key));

  const held = turns.filter((turn) => !ended(turn) && turn.deadline > nowSeconds);
  const holding = new Set(held.map((turn) => turn.runId));
  return { released: true, running: held.length, waiting: waitingCount(entries.filter((entry) => !ended(entry)), nowSeconds, holding) };
}
