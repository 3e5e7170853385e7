/**
 * The time that waits, time limits and deadlines are kept with: the system's unless given. Tests give
 * their own, to reach a time without waiting for it.
 */
export interface Clock {
  /** Epoch milliseconds. @default Date.now */
  readonly now?: () => number;
  /** Resolves `ms` milliseconds from now. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Calls `expire` `ms` milliseconds from now unless the function returned disarms it first. @default setTimeout */
  readonly setTimer?: (ms: number, expire: () => void) => () => void;
}

export const systemClock: Required<Clock> = {
  now: () => Date.now(),
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  setTimer: (ms, expire) => {
    const timer = setTimeout(expire, ms);
    return () => clearTimeout(timer);
  },
};
