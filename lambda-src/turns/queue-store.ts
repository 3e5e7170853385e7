/**
 * What the run queue is made of, as take-turn.ts and release-turn.ts see it; dynamodb-queue-store.ts
 * keeps it in the processor's run queue table. Every read is strongly consistent: it reflects every
 * write that succeeded before it (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.ReadConsistency.html),
 * which is what lets a take and a release that overlap never leave a turn or an entry behind.
 */

/** A run waiting for its turn. */
export interface WaitingEntry {
  /** Orders the queue: the run's ticket, then its run id (queueKey). */
  readonly key: string;
  readonly runId: string;
  /** Which attempt of the run joined: its execution's redrive count. */
  readonly attempt: number;
  /** When it joined, epoch milliseconds: how long it has waited. */
  readonly queuedAt: number;
  /**
   * Its deadline, epoch seconds: joined + `runTimeout`, past which its execution has ended whatever
   * happened to its release. Also the table's time to live.
   */
  readonly expiresAt: number;
}

/** A run holding a turn, with its deadline: one member of the set of turns. */
export interface Turn {
  readonly runId: string;
  /** Which attempt of the run holds it: its execution's redrive count. */
  readonly attempt: number;
  /** Epoch seconds: its entry's `expiresAt`, the same for every take of the same attempt. */
  readonly deadline: number;
}

export interface RunQueueStore {
  /** The turns held, one set in one item. */
  turns(): Promise<Turn[]>;
  /**
   * Adds `turn` if fewer than `max` are held (or it is held already): one conditional update, so that
   * however many runs ask at once, no more than `max` ever hold one. False when refused.
   */
  takeTurn(turn: Turn, max: number): Promise<boolean>;
  /** Removes these turns (none held is no error). */
  dropTurns(turns: readonly Turn[]): Promise<void>;
  /** The run's entry, by its key. */
  entry(key: string): Promise<WaitingEntry | undefined>;
  /** Puts the entry unless an entry under its key is still before its deadline at `nowSeconds`: false then. */
  join(entry: WaitingEntry, nowSeconds: number): Promise<boolean>;
  /** Removes the entries under these keys (none there is no error). */
  leave(keys: readonly string[]): Promise<void>;
  /** How many entries before `key` are before their deadline and hold no turn (`holding`): counted up to `limit`. */
  countAhead(key: string, nowSeconds: number, holding: ReadonlySet<string>, limit: number): Promise<number>;
  /** Every entry. */
  entries(): Promise<WaitingEntry[]>;
  /**
   * Marks the run's attempt `redriveCount` as ended, until `expiresAt` (epoch seconds). False, and no
   * mark, when a later attempt of the run has ended already: the event is late.
   */
  markReleased(runId: string, redriveCount: number, expiresAt: number): Promise<boolean>;
  /** The latest attempt of the run marked ended, if any. */
  releasedAttempt(runId: string): Promise<number | undefined>;
}

/** Where a run waits: after every earlier ticket, ties broken by the run id. */
export function queueKey(ticket: string, runId: string): string {
  return `${ticket}#${runId}`;
}

/** The runs waiting: entries before their deadline whose run holds no turn (a run that took one may not have left yet). */
export function waitingCount(entries: readonly WaitingEntry[], nowSeconds: number, holding: ReadonlySet<string>): number {
  return entries.filter((entry) => entry.expiresAt > nowSeconds && !holding.has(entry.runId)).length;
}
