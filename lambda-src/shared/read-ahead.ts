/**
 * Opens items ahead of their consumer, in order. On AWS every S3 GET waits tens of milliseconds
 * for its first byte; opening the next `depth` objects while the current one is consumed hides that
 * wait behind the work, instead of paying it once per object.
 *
 * At most `depth` items are opening or opened beyond the one the consumer holds, so memory is that
 * many opened items (a GetObject stream holds what its socket has buffered, not the object), not the
 * run. A failed open is rethrown when the consumer reaches that item, in order. If the consumer stops
 * early (an error, a `break`), the items opened and not consumed are handed to `release` (to destroy
 * a stream and free its connection).
 */
export async function* readAhead<T, R>(
  items: readonly T[],
  depth: number,
  open: (item: T) => Promise<R>,
  release: (opened: R) => void = () => undefined,
): AsyncGenerator<R> {
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`read-ahead depth must be a positive integer, got ${depth}`);
  const opening: Array<Promise<R>> = [];
  let next = 0;
  const fill = () => {
    while (next < items.length && opening.length < depth) {
      const opened = open(items[next++]);
      // Awaited in turn below; until then a failure must not count as unhandled.
      opened.catch(() => undefined);
      opening.push(opened);
    }
  };
  try {
    fill();
    while (opening.length > 0) {
      const current = opening.shift()!;
      fill();
      yield await current;
    }
  } finally {
    for (const opened of opening.splice(0)) opened.then(release, () => undefined);
  }
}

/** Releases an opened object body: destroys a stream, so its connection is not left half-read. */
export function destroyStream(opened: unknown): void {
  (opened as { destroy?: () => void } | undefined)?.destroy?.();
}
