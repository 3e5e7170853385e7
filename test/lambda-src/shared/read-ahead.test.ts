import { destroyStream, readAhead } from '../../../lambda-src/shared/read-ahead';

/** An opener whose opens resolve when the test says, recording what is open at once. */
function controlledOpener() {
  const started: number[] = [];
  const resolvers = new Map<number, (value: string) => void>();
  const rejecters = new Map<number, (error: Error) => void>();
  let openAtOnce = false;
  const open = (item: number) => new Promise<string>((resolve, reject) => {
    started.push(item);
    resolvers.set(item, resolve);
    rejecters.set(item, reject);
    if (openAtOnce) resolve(`opened ${item}`);
  });
  return {
    started,
    open,
    resolve: (item: number) => resolvers.get(item)!(`opened ${item}`),
    reject: (item: number, error: Error) => rejecters.get(item)!(error),
    /** Opens everything opening, and everything opened from now on, at once. */
    openAll: () => {
      openAtOnce = true;
      for (const [item, resolve] of resolvers) resolve(`opened ${item}`);
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('opens up to depth items ahead of the consumer and yields them in input order, whatever order they open in', async () => {
  const opener = controlledOpener();
  const reader = readAhead([0, 1, 2, 3, 4, 5], 3, opener.open);
  const first = reader.next();
  await tick();
  // The item being waited for and 3 more are opening: no more.
  expect(opener.started).toEqual([0, 1, 2, 3]);
  opener.resolve(2);
  opener.resolve(1);
  opener.resolve(0);
  expect(await first).toEqual({ value: 'opened 0', done: false });
  await tick();
  expect(opener.started).toEqual([0, 1, 2, 3]);
  const second = reader.next();
  await tick();
  expect(opener.started).toEqual([0, 1, 2, 3, 4]);
  expect(await second).toEqual({ value: 'opened 1', done: false });
  opener.openAll();
  const rest: string[] = [];
  for await (const value of reader) rest.push(value);
  expect(rest).toEqual(['opened 2', 'opened 3', 'opened 4', 'opened 5']);
});

test('with more depth than items every item opens at once; an empty list yields nothing', async () => {
  const opened: number[] = [];
  const values: number[] = [];
  for await (const value of readAhead([1, 2, 3], 10, async (item) => { opened.push(item); return item * 10; })) values.push(value);
  expect(values).toEqual([10, 20, 30]);
  expect(opened).toEqual([1, 2, 3]);
  for await (const value of readAhead([], 4, async () => 1)) throw new Error(`yielded ${value}`);
});

test('a failed open is thrown when the consumer reaches it, after the items before it, and never as an unhandled rejection', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const opener = controlledOpener();
    const reader = readAhead([0, 1, 2], 2, opener.open);
    const first = reader.next();
    await tick();
    opener.reject(1, new Error('NoSuchKey: chunk 1'));
    await tick();
    opener.resolve(0);
    expect(await first).toEqual({ value: 'opened 0', done: false });
    await expect(reader.next()).rejects.toThrow('NoSuchKey: chunk 1');
    await tick();
    expect(unhandled).toEqual([]);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('a consumer that stops early releases what was opened and not consumed', async () => {
  const released: string[] = [];
  const items = [0, 1, 2, 3, 4];
  for await (const value of readAhead(items, 3, async (item) => `stream ${item}`, (opened) => released.push(opened))) {
    expect(value).toBe('stream 0');
    break;
  }
  await tick();
  expect(released.sort()).toEqual(['stream 1', 'stream 2', 'stream 3']);
});

test('destroyStream destroys what has a destroy method and ignores the rest', () => {
  const stream = { destroyed: false, destroy() { this.destroyed = true; } };
  destroyStream(stream);
  expect(stream.destroyed).toBe(true);
  expect(() => destroyStream(['a body as an array'])).not.toThrow();
  expect(() => destroyStream(undefined)).not.toThrow();
});

test('the depth must be a positive integer', async () => {
  await expect(readAhead([1], 0, async () => 1).next()).rejects.toThrow('read-ahead depth must be a positive integer, got 0');
});
