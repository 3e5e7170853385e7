/**
 * dynalite on a thread of its own (started by local/stand-ins/dynamodb-thread.ts through
 * `workerScript`): the same dynalite, on disk, on a loopback port, with the table descriptions
 * cached, a seeding path for fixture data, and, once the host sends the engine's options, the local
 * IAM engine in front of it. dynalite has no types: its internals are `any` here.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import { IncomingMessage, ServerResponse } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { crc32 } from 'node:zlib';
import { holdBack, isBatchRequest, withUnprocessed } from './unprocessed-items';
import { IamEngine, IamEngineOptions } from '../iam/iam-engine';
import { gateServer, replayed } from '../iam/request-gate';

const store = require(workerData.dynaliteStore);
const dynalite = require(workerData.dynalite);
const validations = require(workerData.dynaliteValidations);


// dynalite reads the table's description from LevelDB on every request and for every item of a
// batch (a third of its LevelDB reads when loading the lookup): keep each description once read,
// forgotten whenever it is written or deleted (CreateTable, UpdateTable, DeleteTable). A read that
// overlaps a write is not kept, so no stale description is ever served. UpdateTable and DeleteTable
// change the description they read (dynalite's actions/updateTable.js, deleteTable.js), so every read
// gets a copy of its own (parsed from the kept JSON: a third of structuredClone's cost), except where
// `shared()` is true: the item actions, which only read it (getTable with its status checked; audited
// in dynalite 4.0.0's actions), all get the one parsed copy. Parsing a copy per item was 8% of this
// thread's time in the example's 1M-record run.
function cacheTableDescriptions(tableDb: any, shared: () => boolean): void {
  const cached = new Map<string, { text: string; parsed: unknown }>();
  const writes = new Map<string, number>();
  const { get, put, del } = tableDb;
  const written = (key: string) => { cached.delete(key); writes.set(key, (writes.get(key) || 0) + 1); };
  tableDb.get = function get_(this: unknown, key: string, callback: any, ...rest: unknown[]) {
    if (typeof callback !== 'function') return get.call(this, key, callback, ...rest);
    const entry = cached.get(key);
    if (entry !== undefined) return process.nextTick(callback, null, shared() ? entry.parsed : JSON.parse(entry.text));
    const before = writes.get(key) || 0;
    get.call(this, key, (err: unknown, value: unknown) => {
      if (!err && value && (writes.get(key) || 0) === before) {
        const text = JSON.stringify(value);
        cached.set(key, { text, parsed: JSON.parse(text) });
      }
      callback(err, value);
    });
  };
  tableDb.put = function put_(this: unknown, key: string, value: unknown, callback?: (err?: unknown) => void) {
    written(key);
    put.call(this, key, value, (err: unknown) => { written(key); if (callback) callback(err); });
  };
  tableDb.del = function del_(this: unknown, key: string, callback?: (err?: unknown) => void) {
    written(key);
    del.call(this, key, (err: unknown) => { written(key); if (callback) callback(err); });
  };
  const { batch } = tableDb;
  tableDb.batch = function batch_(this: unknown, operations: Array<{ key: string }>, callback?: (err?: unknown) => void) {
    for (const op of operations) written(op.key);
    batch.call(this, operations, (err: unknown) => { for (const op of operations) written(op.key); if (callback) callback(err); });
  };
}

// The item actions call getTable with their status checked (`getTable(name, cb)`); UpdateTable, DeleteTable and
// the other table actions pass `checkStatus` false. getTable asks tableDb.get at once (db/index.js), so a flag
// set around the call tells the description cache who is asking.
function shareDescriptionsWithItemActions(created: any): () => boolean {
  let sharing = false;
  const getTable = created.getTable;
  created.getTable = function getTable_(this: unknown, name: string, checkStatus: unknown, ...rest: unknown[]) {
    if (checkStatus === false) return getTable.call(this, name, checkStatus, ...rest);
    sharing = true;
    try {
      return getTable.call(this, name, checkStatus, ...rest);
    } finally {
      sharing = false;
    }
  };
  return () => sharing;
}

// dynalite reads each item of a BatchGetItem with a get of its own: one LevelDB read on libuv's thread pool,
// with two thread wake-ups, per key (the 1,000 keys a chunk's enrichment asks for in the example). The gets asked
// for in one turn of the event loop are read with one getMany instead: the same values, each the key's latest
// (a get reads no snapshot either), in one trip to the pool. A get dynalite chains after a write (its per-key
// lock) is asked for only once that write is done, so no write is read around.
function coalesceGets(created: any): void {
  const { db, lifecycleManager } = created;
  const get = db.get;
  let queued: Array<{ key: string; callback: (err: unknown, value?: unknown) => void }> = [];
  const read = () => {
    const batch = queued;
    queued = [];
    if (batch.length === 1) return get.call(db, batch[0].key, batch[0].callback);
    lifecycleManager.trackOperation(db.getMany(batch.map((g) => g.key))).then(
      (values: unknown[]) => batch.forEach((g, i) => setImmediate(g.callback, null, values[i])),
      // As dynalite's own get reports it (db/index.js, wrapWithCallbacks).
      (err: any) => {
        const error = err?.code === 'LEVEL_DATABASE_NOT_OPEN' ? new Error('Database is closed') : err;
        batch.forEach((g) => setImmediate(g.callback, error));
      },
    );
  };
  db.get = function get_(this: unknown, key: string, callback: any, ...rest: unknown[]) {
    if (typeof callback !== 'function' || rest.length > 0 || lifecycleManager.getState() !== 'open') return get.call(this, key, callback, ...rest);
    if (queued.length === 0) setImmediate(read);
    queued.push({ key, callback });
  };
}

const create = store.create;
let created: any;
store.create = (options: unknown) => {
  created = create(options);
  cacheTableDescriptions(created.tableDb, shareDescriptionsWithItemActions(created));
  coalesceGets(created);
  return created;
};

// BatchWriteItem loads ~7,000 items/s here (dynalite reads before each put and checks every request):
// a million-row lookup took over two minutes. Seeding writes whole batches to LevelDB at once, each item
// checked and stored as PutItem would store it: every attribute value checked by dynalite's own validation
// (which also writes numbers in their canonical form, as the service returns them: "1.50" is "1.5"), the
// item's size (400 KB) and its key. Items are DynamoDB JSON (binary as base64), as PutItem's are sent.
function seed(table: string, items: Array<Record<string, any>>, done: (error?: string, index?: number) => void): void {
  created.getTable(table, true, (err: any, description: any) => {
    if (err) return done(err.body ? err.body.message + ': ' + table : err.message);
    if (description.GlobalSecondaryIndexes || description.LocalSecondaryIndexes) {
      return done('seeding does not maintain secondary indexes: ' + table);
    }
    const operations: Array<{ type: 'put'; key: string; value: unknown }> = [];
    for (let index = 0; index < items.length; index++) {
      const item = items[index];
      const invalid = invalidItem(item) ?? store.validateItem(item, description)?.body.message;
      if (invalid) return done(invalid, index);
      operations.push({ type: 'put', key: store.createKey(item, description), value: item });
    }
    created.getItemDb(table).batch(operations, (writeError: any) => done(writeError ? writeError.message : undefined));
  });
}

// Fixture rows are strings and numbers, mostly already written as dynalite would write them: checking each
// with dynalite's validation (a big-number parse per number) and sizing it (another) made a million-row load
// about a third slower (bench/RESULTS.md). A number in canonical form of at most 38 characters is within DynamoDB's 38 digits and
// exponent range, so dynalite's check would leave it as it is; any other value goes through dynalite's own check.
const CANONICAL_NUMBER = /^(?:0|-?[1-9]\d*(?:\.\d*[1-9])?|-?0\.\d*[1-9])$/;
const TOO_LARGE = 'Item size has exceeded the maximum allowed size';

function onlyType(value: Record<string, unknown>, type: string): boolean {
  for (const key in value) if (key !== type) return false;
  return true;
}

/** What PutItem would refuse in the item's attribute values or size, if anything (its key is checked by dynalite's validateItem). */
function invalidItem(item: Record<string, any>): string | undefined {
  // dynalite's size of a string is its length; of a number at most 22 (db/index.js valSize: one byte, one per
  // two of its 38 digits at most, two more). An item with other values is sized by dynalite itself.
  let bound = 0;
  let sized = true;
  for (const name in item) {
    const value = item[name];
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return `${name} is not an attribute value (${JSON.stringify(value)})`;
    const { S, N } = value;
    if (typeof S === 'string' && onlyType(value, 'S')) {
      bound += name.length + S.length;
    } else if (typeof N === 'string' && N.length <= 38 && CANONICAL_NUMBER.test(N) && onlyType(value, 'N')) {
      bound += name.length + 22;
    } else {
      const invalid = validations.validateAttributeValue(value);
      if (invalid) return invalid;
      sized = false;
    }
  }
  if (sized && bound <= created.options.maxItemSize) return undefined;
  return store.itemSize(item) > created.options.maxItemSize ? TOO_LARGE : undefined;
}

const server = dynalite({ path: workerData.directory, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.on('request', (req: any) => {
  const target = String(req.headers['x-amz-target'] || '');
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => parentPort!.postMessage({ request: { target, body: Buffer.concat(chunks).toString('utf8') } }));
});

// The `ddb` fault (unprocessed-items.ts), in front of the request count and dynalite: only the processed part is
// counted (and billed) and stored; the answer gains what was held back. The IAM gate, once put in front, decides first.
let unprocessedRate = 0;
function injectUnprocessed(): void {
  const handlers = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    for (const handler of handlers) handler.call(server, req, res);
  };
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const target = String(req.headers['x-amz-target'] || '');
    if (!unprocessedRate || !isBatchRequest(target)) return forward(req, res);
    void req.toArray().then((chunks: Buffer[]) => {
      const body = Buffer.concat(chunks);
      let held;
      try {
        held = holdBack(target, JSON.parse(body.toString('utf8')), unprocessedRate, Math.random);
      } catch {
        // Not JSON: dynalite answers it with its error.
      }
      if (!held) return forward(replayed(req, body), res);
      const unprocessed = held.unprocessed;
      parentPort!.postMessage({ unprocessed: held.count });
      const processed = Buffer.from(JSON.stringify(held.processed));
      req.headers['content-length'] = String(processed.length);
      // dynalite answers with one `end(body)` after setting its headers, the checksum among them.
      const end = res.end;
      res.end = function endWithUnprocessed(this: ServerResponse, ...args: any[]) {
        if (res.statusCode !== 200 || typeof args[0] !== 'string') return end.apply(res, args as any);
        const answer = JSON.stringify(withUnprocessed(target, JSON.parse(args[0]), unprocessed));
        res.setHeader('x-amz-crc32', crc32(answer));
        res.setHeader('Content-Length', Buffer.byteLength(answer));
        return end.apply(res, [answer] as any);
      } as typeof res.end;
      forward(replayed(req, processed), res);
    }, (error: Error) => res.destroy(error));
  });
}
injectUnprocessed();
server.listen(0, '127.0.0.1', () => parentPort!.postMessage({ port: server.address().port }));

// Every request is authorized here, on this thread, before dynalite sees it: the engine's cost stays off the
// main thread (s3rver, the Step Functions engine, the REST endpoint), and no request takes a detour through it.
// Refusals go to the host for the run's report, before the refused caller hears of them.
function authorize(options: IamEngineOptions): void {
  const iam = new IamEngine(options);
  gateServer(server, {
    readsBody: () => true,
    refusal(request) {
      const verdict = iam.authorizeRequest('dynamodb', request);
      if (iam.accessDenied.length > 0) parentPort!.postMessage({ denied: iam.accessDenied.splice(0) });
      return verdict.allowed ? undefined : verdict.response;
    },
  });
}

parentPort!.on('message', (msg: any) => {
  if (msg.authorize) {
    authorize(msg.authorize);
    parentPort!.postMessage({ authorizing: true });
  }
  if (msg.unprocessedRate !== undefined) unprocessedRate = msg.unprocessedRate;
  if (msg.settle !== undefined) parentPort!.postMessage({ settled: msg.settle });
  if (msg.seed) seed(msg.seed.table, msg.seed.items, (error, index) => parentPort!.postMessage({ seeded: msg.seed.id, error, index }));
  if (msg.close) {
    // dynalite's close() closes its LevelDB too.
    server.close(() => parentPort!.postMessage({ closed: true }));
    server.closeAllConnections();
  }
});
