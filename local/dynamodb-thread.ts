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
// copies. A read that overlaps a write is not kept, so no stale description is ever served.
function cacheTableDescriptions(tableDb) {
  const cached = new Map();
  const writes = new Map();
  const { get, put, del } = tableDb;
  const written = (key) => { cached.delete(key); writes.set(key, (writes.get(key) || 0) + 1); };
  tableDb.get = function (key, callback) {
    if (typeof callback !== 'function') return get.apply(this, arguments);
    if (cached.has(key)) return setImmediate(callback, null, structuredClone(cached.get(key)));
    const before = writes.get(key) || 0;
    get.call(this, key, (err, value) => {
      if (!err && value && (writes.get(key) || 0) === before) cached.set(key, structuredClone(value));
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
store.create = (options) => {
  const created = create(options);
  cacheTableDescriptions(created.tableDb);
  return created;
};
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
  let closed: (() => void) | undefined;
  let nextSettle = 0;
  const port = await new Promise<number>((resolve, reject) => {
    worker.on('message', (msg: any) => {
      if (msg.request) return onRequest(msg.request.target, msg.request.body);
      if (msg.port) return resolve(msg.port);
      if (msg.closed) return closed?.();
      waiting.get(msg.settled)?.();
      waiting.delete(msg.settled);
    });
    worker.once('error', reject);
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
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
