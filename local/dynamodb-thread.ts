import { Worker } from 'node:worker_threads';
import { workerExecArgv } from './worker-exec-argv';

/**
 * dynalite on a thread of its own. On the runner's main thread, dynalite and its LevelDB binding took
 * a third of that thread's CPU at 50,000 records (loading the lookup, then BatchGetItem per enrichment
 * batch), beside s3rver, the Step Functions engine and the REST endpoint: on a thread of its own it
 * runs on the other core. It is the same dynalite, on disk, on a loopback port.
 */
export interface DynamoDbThread {
  readonly endpoint: string;
  /**
   * Writes items into a table straight through dynalite's own store (its key function and item
   * check), without the HTTP API: fixture data, as a table restored from a backup. Not counted as
   * requests. Items replace any with the same key; a table with secondary indexes is refused,
   * since its indexes would not be kept.
   */
  seed(table: string, items: Record<string, unknown>[]): Promise<void>;
  /** Resolves once every request received so far has been passed to `onRequest` (for exact counts). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

// Plain JavaScript: the thread needs no TypeScript. Each request's target and body go to the host,
// which counts the capacity units (the service's bill) exactly as when dynalite ran on its thread.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const store = require(workerData.dynaliteStore);
const dynalite = require(workerData.dynalite);

// dynalite reads the table's description from LevelDB on every request and for every item of a
// batch (a third of its LevelDB reads when loading the lookup): keep each description once read,
// forgotten whenever it is written or deleted (CreateTable, UpdateTable, DeleteTable), and hand out
// copies (dynalite changes them in UpdateTable and DeleteTable). A read that overlaps a write is not
// kept, so no stale description is ever served. Kept as JSON text: parsing a copy costs a third of
// structuredClone, and this runs for every item read.
function cacheTableDescriptions(tableDb) {
  const cached = new Map();
  const writes = new Map();
  const { get, put, del } = tableDb;
  const written = (key) => { cached.delete(key); writes.set(key, (writes.get(key) || 0) + 1); };
  tableDb.get = function (key, callback, ...rest) {
    if (typeof callback !== 'function') return get.call(this, key, callback, ...rest);
    const text = cached.get(key);
    if (text !== undefined) return process.nextTick(callback, null, JSON.parse(text));
    const before = writes.get(key) || 0;
    get.call(this, key, (err, value) => {
      if (!err && value && (writes.get(key) || 0) === before) cached.set(key, JSON.stringify(value));
      callback(err, value);
    });
  };
  tableDb.put = function (key, value, callback) {
    written(key);
    put.call(this, key, value, (err) => { written(key); if (callback) callback(err); });
  };
  tableDb.del = function (key, callback) {
    written(key);
    del.call(this, key, (err) => { written(key); if (callback) callback(err); });
  };
  const { batch } = tableDb;
  tableDb.batch = function (operations, callback) {
    for (const op of operations) written(op.key);
    batch.call(this, operations, (err) => { for (const op of operations) written(op.key); if (callback) callback(err); });
  };
}
const create = store.create;
let created;
store.create = (options) => {
  created = create(options);
  cacheTableDescriptions(created.tableDb);
  return created;
};

// BatchWriteItem loads ~7,000 items/s here (dynalite reads before each put and checks every request):
// a million-row lookup took over two minutes. Seeding writes whole batches to LevelDB at once.
function seed(table, items, done) {
  created.getTable(table, true, (err, description) => {
    if (err) return done(err.body ? err.body.message + ': ' + table : err.message);
    if (description.GlobalSecondaryIndexes || description.LocalSecondaryIndexes) {
      return done('seeding does not maintain secondary indexes: ' + table);
    }
    const operations = [];
    for (const item of items) {
      const invalid = store.validateItem(item, description);
      if (invalid) return done(invalid.body.message);
      operations.push({ type: 'put', key: store.createKey(item, description), value: item });
    }
    created.getItemDb(table).batch(operations, (err) => done(err ? err.message : undefined));
  });
}
const server = dynalite({ path: workerData.directory, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.on('request', (req) => {
  const target = String(req.headers['x-amz-target'] || '');
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => parentPort.postMessage({ request: { target, body: Buffer.concat(chunks).toString('utf8') } }));
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (msg) => {
  if (msg.settle !== undefined) parentPort.postMessage({ settled: msg.settle });
  if (msg.seed) seed(msg.seed.table, msg.seed.items, (error) => parentPort.postMessage({ seeded: msg.seed.id, error }));
  if (msg.close) {
    // dynalite's close() closes its LevelDB too.
    server.close(() => parentPort.postMessage({ closed: true }));
    server.closeAllConnections();
  }
});
`;

export async function startDynamoDbThread(directory: string, onRequest: (target: string, body: string) => void): Promise<DynamoDbThread> {
  const worker = new Worker(THREAD, {
    eval: true,
    execArgv: workerExecArgv(process.execArgv),
    workerData: { dynalite: require.resolve('dynalite'), dynaliteStore: require.resolve('dynalite/db'), directory },
  });
  const waiting = new Map<number, () => void>();
  const seeding = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  let closed: (() => void) | undefined;
  let nextSettle = 0;
  let nextSeed = 0;
  const port = await new Promise<number>((resolve, reject) => {
    worker.on('message', (msg: any) => {
      if (msg.request) return onRequest(msg.request.target, msg.request.body);
      if (msg.port) return resolve(msg.port);
      if (msg.closed) return closed?.();
      if (msg.seeded !== undefined) {
        const { resolve: done, reject: failed } = seeding.get(msg.seeded)!;
        seeding.delete(msg.seeded);
        return msg.error ? failed(new Error(msg.error)) : done();
      }
      waiting.get(msg.settled)?.();
      waiting.delete(msg.settled);
    });
    worker.once('error', reject);
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    seed(table, items) {
      const id = nextSeed++;
      return new Promise((resolve, reject) => {
        seeding.set(id, { resolve, reject });
        worker.postMessage({ seed: { id, table, items } });
      });
    },
    settle() {
      const id = nextSettle++;
      // The thread answers after every request message it posted before: messages keep their order.
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        worker.postMessage({ settle: id });
      });
    },
    async close() {
      await new Promise<void>((resolve) => {
        closed = resolve;
        worker.postMessage({ close: true });
      });
      await worker.terminate();
    },
  };
}
