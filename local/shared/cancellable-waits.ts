/**
 * The waits between a service's retries (EventBridge's deliveries, Lambda's asynchronous invocations), each of which
 * the service's close() ends at once: a closing local cloud must not wait out a retry interval to find nothing to do.
 */
export class CancellableWaits {
  private readonly wakes = new Set<() => void>();

  /** Resolves after `ms`, or as soon as {@link wakeAll} is called. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakes.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakes.add(wake);
    });
  }

  /** Ends every wait under way. */
  wakeAll(): void {
    for (const wake of [...this.wakes]) wake();
  }
}
