import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AccessDenied, IamEngineOptions } from '../iam/iam-engine';
import { workerExecArgv } from '../shared/worker-exec-argv';
import { workerScript } from '../shared/worker-script';

/**
 * dynalite on a thread of its own. On the runner's main thread, dynalite and its LevelDB binding took
 * a third of that thread's CPU at 50,000 records (loading the lookup, then BatchGetItem per enrichment
 * batch), beside s3rver, the Step Functions engine and the REST endpoint: on a thread of its own it
 * runs on the other core. It is the same dynalite, on disk, on a loopback port.
 */
export interface DynamoDbThread {
  readonly endpoint: string;
  /** The refusals so far (complete up to the last `settle()`), once `authorize` put the IAM engine in front. */
  readonly accessDenied: AccessDenied[];
  /** Write requests and keys answered unprocessed by the `ddb` fault so far (complete up to the last `settle()`). */
  readonly unprocessed: { count: number };
  /**
   * Writes items into a table straight through dynalite's own store (its key function and the checks
   * of PutItem's item), without the HTTP API: fixture data, as a table restored from a backup. Not
   * counted as requests. Items are DynamoDB JSON, as PutItem's `Item` is sent (numbers as strings,
   * binary as base64). Items replace any with the same key; a table with secondary indexes is refused,
   * since its indexes would not be kept. An item refused rejects with {@link SeedItemError}; none of its
   * batch is written.
   */
  seed(table: string, items: Record<string, unknown>[]): Promise<void>;
  /**
   * Puts the local IAM engine, built from `options` on the thread, in front of dynalite: from then on every
   * request is authorized there, and its refusals are added to `accessDenied`.
   */
  authorize(options: IamEngineOptions): Promise<void>;
  /**
   * Answers each write request and key of a BatchWriteItem or BatchGetItem as unprocessed with this probability
   * (the `ddb` fault, local/stand-ins/unprocessed-items.ts); 0 ends it. Applies to the requests after it.
   */
  setUnprocessedRate(rate: number): Promise<void>;
  /** Resolves once every request received so far has been passed to `onRequest` (for exact counts). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** An item of a seeding batch the table refuses, as PutItem would: `index` is its place in the batch. */
export class SeedItemError extends Error {
  constructor(message: string, readonly index: number) {
    super(message);
    this.name = 'SeedItemError';
  }
}

// The thread runs local/stand-ins/dynamodb-worker.ts. Each request's target and body go to the host,
// which counts the capacity units (the service's bill) exactly as when dynalite ran on its thread.
const THREAD = path.join(__dirname, 'dynamodb-worker.ts');

export async function startDynamoDbThread(directory: string, onRequest: (target: string, body: string) => void): Promise<DynamoDbThread> {
  const worker = new Worker(workerScript(THREAD), {
    eval: true,
    execArgv: workerExecArgv(process.execArgv),
    workerData: {
      dynalite: require.resolve('dynalite'),
      dynaliteStore: require.resolve('dynalite/db'),
      dynaliteValidations: require.resolve('dynalite/validations'),
      directory,
    },
  });
  const waiting = new Map<number, () => void>();
  const seeding = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  let closed: (() => void) | undefined;
  let authorizing: (() => void) | undefined;
  const accessDenied: AccessDenied[] = [];
  const unprocessed = { count: 0 };
  let nextSettle = 0;
  let nextSeed = 0;
  const port = await new Promise<number>((resolve, reject) => {
    worker.on('message', (msg: any) => {
      if (msg.request) return onRequest(msg.request.target, msg.request.body);
      if (msg.denied) return accessDenied.push(...msg.denied);
      if (msg.unprocessed) return (unprocessed.count += msg.unprocessed);
      if (msg.authorizing) return authorizing?.();
      if (msg.port) return resolve(msg.port);
      if (msg.closed) return closed?.();
      if (msg.seeded !== undefined) {
        const { resolve: done, reject: failed } = seeding.get(msg.seeded)!;
        seeding.delete(msg.seeded);
        if (msg.error === undefined) return done();
        return failed(msg.index === undefined ? new Error(msg.error) : new SeedItemError(msg.error, msg.index));
      }
      waiting.get(msg.settled)?.();
      waiting.delete(msg.settled);
    });
    worker.once('error', reject);
  });
  const settle = () => {
    const id = nextSettle++;
    // The thread answers after every request message it posted before: messages keep their order.
    return new Promise<void>((resolve) => {
      waiting.set(id, resolve);
      worker.postMessage({ settle: id });
    });
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    accessDenied,
    unprocessed,
    async setUnprocessedRate(rate) {
      worker.postMessage({ unprocessedRate: rate });
      // Messages keep their order: once settled, the thread has the new rate.
      await settle();
    },
    authorize(options) {
      return new Promise((resolve) => {
        authorizing = resolve;
        worker.postMessage({ authorize: options });
      });
    },
    seed(table, items) {
      const id = nextSeed++;
      return new Promise((resolve, reject) => {
        seeding.set(id, { resolve, reject });
        worker.postMessage({ seed: { id, table, items } });
      });
    },
    settle,
    async close() {
      await new Promise<void>((resolve) => {
        closed = resolve;
        worker.postMessage({ close: true });
      });
      await worker.terminate();
    },
  };
}
