/**
 * Runs writes in the background with at most `limit` in flight and at most `maxBytes` of their
 * bodies held (a single write larger than that still runs, alone): `add` waits for room, so the
 * producer (the input stream) is held back instead of piling up buffered chunks.
 */
export class WriteWindow {
  private readonly inFlight = new Set<Promise<void>>();
  private bytesInFlight = 0;
  private failure: { error: unknown } | undefined;

  constructor(private readonly limit: number, private readonly maxBytes: number = Number.MAX_SAFE_INTEGER) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`write concurrency must be a positive integer, got ${limit}`);
    if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new Error(`write buffer must be a positive number of bytes, got ${maxBytes}`);
  }

  /** Starts `write`, whose body holds `bytes`, once there is room for it. */
  async add(write: () => Promise<void>, bytes = 0): Promise<void> {
    this.throwIfFailed();
    while (this.inFlight.size >= this.limit || (this.inFlight.size > 0 && this.bytesInFlight + bytes > this.maxBytes)) {
      await Promise.race(this.inFlight);
    }
    this.throwIfFailed();
    this.bytesInFlight += bytes;
    const running: Promise<void> = write()
      .catch((error) => {
        this.failure ??= { error };
      })
      .finally(() => {
        this.inFlight.delete(running);
        this.bytesInFlight -= bytes;
      });
    this.inFlight.add(running);
  }

  /** Waits for every write; throws the first failure. */
  async drain(): Promise<void> {
    await Promise.all(this.inFlight);
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
