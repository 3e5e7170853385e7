import { RunQueueStore, Turn, WaitingEntry } from '../../lambda-src/turns/queue-store';

/**
 * The run queue in memory, each call one atomic step as DynamoDB's single-item writes and strongly
 * consistent reads are. `step` runs before each call's effect (a test's scheduler interleaves there);
 * `maxHeld` records the most turns ever held at once.
 */
export class MemoryQueueStore implements RunQueueStore {
  readonly held = new Map<string, Turn>();
  readonly queue = new Map<string, WaitingEntry>();
  readonly released = new Map<string, number>();
  maxHeld = 0;

  constructor(private readonly step: (call: string) => Promise<void> = async () => undefined) {}

  async turns(): Promise<Turn[]> {
    await this.step('turns');
    return [...this.held.values()];
  }

  async takeTurn(turn: Turn, max: number): Promise<boolean> {
    await this.step('takeTurn');
    const member = memberOf(turn);
    if (!this.held.has(member) && this.held.size >= max) return false;
    this.held.set(member, turn);
    this.maxHeld = Math.max(this.maxHeld, this.held.size);
    return true;
  }

  async dropTurns(turns: readonly Turn[]): Promise<void> {
    await this.step('dropTurns');
    for (const turn of turns) this.held.delete(memberOf(turn));
  }

  async entry(key: string): Promise<WaitingEntry | undefined> {
    await this.step('entry');
    return this.queue.get(key);
  }

  async join(entry: WaitingEntry, nowSeconds: number): Promise<boolean> {
    await this.step('join');
    const there = this.queue.get(entry.key);
    if (there && there.expiresAt > nowSeconds) return false;
    this.queue.set(entry.key, entry);
    return true;
  }

  async leave(keys: readonly string[]): Promise<void> {
    await this.step('leave');
    for (const key of keys) this.queue.delete(key);
  }

  async countAhead(key: string, nowSeconds: number, holding: ReadonlySet<string>, limit: number): Promise<number> {
    await this.step('countAhead');
    const ahead = [...this.queue.values()].filter((entry) => entry.key < key && entry.expiresAt > nowSeconds && !holding.has(entry.runId));
    return Math.min(limit, ahead.length);
  }

  async entries(): Promise<WaitingEntry[]> {
    await this.step('entries');
    return [...this.queue.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  async markReleased(runId: string, redriveCount: number): Promise<boolean> {
    await this.step('markReleased');
    const there = this.released.get(runId);
    if (there !== undefined && there > redriveCount) return false;
    this.released.set(runId, redriveCount);
    return true;
  }

  async releasedAttempt(runId: string): Promise<number | undefined> {
    await this.step('releasedAttempt');
    return this.released.get(runId);
  }
}

const memberOf = (turn: Turn) => `${turn.runId}@${turn.attempt}@${turn.deadline}`;
