import { Clock } from '../../lambda-src/shared/clock';

/**
 * A clock whose time moves only when the test moves it: a deadline or a time limit is reached without
 * waiting for it, however slow the machine.
 */
export class ManualClock implements Clock {
  /** The delays of the timers armed, in order. */
  readonly armed: number[] = [];
  private time = 1_000_000;
  private readonly timers = new Set<{ readonly at: number; readonly expire: () => void }>();

  readonly now = (): number => this.time;

  readonly setTimer = (ms: number, expire: () => void): (() => void) => {
    const timer = { at: this.time + ms, expire };
    this.timers.add(timer);
    this.armed.push(ms);
    return () => this.timers.delete(timer);
  };

  /** Moves the time on by `ms`, and fires the timers then due, earliest first. */
  advance(ms: number): void {
    this.time += ms;
    const due = [...this.timers].filter((timer) => timer.at <= this.time).sort((a, b) => a.at - b.at);
    for (const timer of due) {
      this.timers.delete(timer);
      timer.expire();
    }
  }
}
