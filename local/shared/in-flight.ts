/**
 * The work a local service has under way (executions, Tasks, invocations, deliveries), so that its close() can wait
 * until all of it has settled, work started meanwhile included.
 */
export class InFlight {
  private readonly work = new Set<Promise<unknown>>();

  /** Keeps `work` until it settles, and returns it. */
  track<T>(work: Promise<T>): Promise<T> {
    this.work.add(work);
    const forget = () => { this.work.delete(work); };
    work.then(forget, forget);
    return work;
  }

  get size(): number {
    return this.work.size;
  }

  /**
   * Resolves once everything tracked, and everything tracked meanwhile, has settled. Between rounds the event loop
   * turns once: settled work may start more in its microtasks (an aborted execution's engine calls its Task again).
   */
  async settled(): Promise<void> {
    while (this.work.size > 0) {
      await Promise.allSettled([...this.work]);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
