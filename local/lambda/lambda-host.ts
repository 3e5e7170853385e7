import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { AccountConcurrency, ConcurrencyQuota } from './concurrency-quota';
import { InvocationType, LambdaServiceError, requestRefusal, responseRefusal } from './invocation-limits';
import { InFlight } from '../shared/in-flight';
import { workerExecArgv } from '../shared/worker-exec-argv';
import { workerScript } from '../shared/worker-script';
import { LocalFunction } from '../template/function-code';

/** The error shape Lambda returns for a failed invocation (`X-Amz-Function-Error`). */
export interface LambdaErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: string[];
}

/** Thrown to the caller of an invocation: `name` is the errorType, as Step Functions reports it. */
export class LambdaFunctionError extends Error {
  constructor(readonly payload: LambdaErrorPayload) {
    // Step Functions puts the function's whole error payload, as JSON, in the `Cause`.
    super(JSON.stringify(payload));
    this.name = payload.errorType;
  }
}

export interface LambdaUsage {
  invocations: number;
  gbSeconds: number;
  /** GB-seconds on arm64 (priced differently). */
  arm64GbSeconds: number;
}

// Each container runs local/lambda/lambda-runtime.ts: it loads the bundle once (a warm container)
// and calls the handler for each message, answering errors as Lambda does.
const RUNTIME = path.join(__dirname, 'lambda-runtime.ts');

const INIT_TIMEOUT_MS = 10_000;
// Workers beyond the cores add memory (a V8 isolate and a bundle each) but no throughput: the
// handlers' I/O is served by the stand-ins on the main thread. 2 to 4, with the machine's cores.
const DEFAULT_CONTAINERS = Math.min(4, Math.max(2, os.cpus().length));
// Long enough to keep a busy pipeline's containers warm between invocations (see RECLAIM_AFTER_IDLE_MS),
// short enough that the chunk functions' containers are gone while merge runs, where a 1M local run peaks:
// at 5 s, 968-1,034 MB (six runs); at 2 s, 915-1,001 MB (eight; bench/RESULTS.md).
const DEFAULT_IDLE_TIMEOUT_MS = 2_000;
// Containers alive over all functions before an idle one is reclaimed for a new one: a run's chunk
// functions (four in the example) keep theirs warm, and merge, archive and notify then start one each.
const DEFAULT_MAX_CONTAINERS = 4 * DEFAULT_CONTAINERS;
// Only a container idle this long is reclaimed for another function's: one idle between two
// invocations of a busy pipeline is not, or functions would take each other's containers in turn,
// each new one a cold start of seconds.
const RECLAIM_AFTER_IDLE_MS = 1_000;
const YOUNG_GENERATION_MB = 16;

interface Pending {
  /** `bytes`: the size of the result's JSON, as the runtime sends it to Lambda. */
  resolve: (value: unknown, bytes: number) => void;
  reject: (err: Error) => void;
}

class Container {
  readonly worker: Worker;
  readonly pending = new Map<string, Pending>();
  /** Set while the container sits idle after an invocation: disarms the timer that ends it. */
  disarmIdle?: () => void;
  /** When the container last went idle (`Date.now()`), while it is. */
  idleSince?: number;
  /** Settles when the bundle is loaded: Lambda's init phase, which the function's timeout does not cover. */
  readonly ready: Promise<void>;
  /** Fails the init and every invocation waiting on the container, as its end does (the host closing). */
  readonly fail: (reason: string) => void;

  constructor(fn: LocalFunction, arn: string, env: Record<string, string>, logSink: NodeJS.WritableStream, onExit: (c: Container) => void) {
    this.worker = new Worker(workerScript(RUNTIME), {
      eval: true,
      env,
      // No ts-node in a container: the bundle is JavaScript, as in the Lambda runtime.
      execArgv: workerExecArgv(process.execArgv),
      workerData: { entry: fn.entry, handlerExport: fn.handlerExport, name: fn.name, arn, memoryMb: fn.memoryMb },
      // The function's memory setting bounds its heap, as the sandbox's memory bounds it on AWS. A worker's
      // young generation defaults to 48 MB whatever its heap: with a dozen containers on 2 cores, 16 MB ran
      // 100k records in less CPU and memory (run 15.9–17.0 s against 18.2–18.6 s, CPU ~37 s against ~41 s).
      resourceLimits: { maxOldGenerationSizeMb: fn.memoryMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      // The function's logs go to the host's log sink, not our stdout (which carries --json).
      stdout: true,
      stderr: true,
    });
    this.worker.stdout.pipe(logSink, { end: false });
    this.worker.stderr.pipe(logSink, { end: false });
    let initialised!: () => void;
    let initFailed!: (err: Error) => void;
    this.ready = new Promise((resolve, reject) => { initialised = resolve; initFailed = reject; });
    this.ready.catch(() => undefined);
    this.worker.on('message', (msg: any) => {
      if (msg.ready) return initialised();
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result, msg.bytes);
      else p.reject(new LambdaFunctionError(msg.error));
    });
    const crash = (err: Error | number) => {
      // Past its memory, Lambda's sandbox is killed: a Runtime.ExitError (https://repost.aws/knowledge-center/lambda-runtime-error)
      // "Runtime exited with error: signal: killed" (as reported: https://www.smplogs.com/guides/lambda-memory-errors).
      // A worker past its heap limit ends with ERR_WORKER_OUT_OF_MEMORY.
      const outOfMemory = typeof err !== 'number' && (err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
      const message = typeof err === 'number' ? `exit code ${err}` : err.message;
      if (outOfMemory) {
        for (const p of this.pending.values()) {
          p.reject(new LambdaFunctionError({ errorType: 'Runtime.ExitError', errorMessage: 'RequestId: local Error: Runtime exited with error: signal: killed' }));
        }
        this.pending.clear();
      }
      initFailed(new LambdaFunctionError({ errorType: 'Runtime.ExitError', errorMessage: `RequestId: local Error: Runtime exited during init: ${message}` }));
      for (const p of this.pending.values()) {
        p.reject(new LambdaFunctionError({ errorType: 'Runtime.ExitError', errorMessage: `RequestId: local Error: Runtime exited: ${message}` }));
      }
      this.pending.clear();
      onExit(this);
    };
    this.worker.on('error', crash);
    this.worker.on('exit', crash);
    this.fail = (reason) => {
      const ended = (message: string) => new LambdaFunctionError({ errorType: 'Runtime.ExitError', errorMessage: `RequestId: local Error: ${message}: ${reason}` });
      initFailed(ended('Runtime exited during init'));
      for (const p of this.pending.values()) p.reject(ended('Runtime exited'));
      this.pending.clear();
    };
  }
}

export interface LambdaHostOptions {
  /** Environment every function gets on top of its own (endpoints, region, credentials). */
  readonly baseEnvironment: Record<string, string>;
  /**
   * A function's own credentials, as Lambda gives each function its execution role's
   * (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`). @default - those of `baseEnvironment`
   */
  readonly credentialsFor?: (functionName: string) => { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
  readonly functionArn: (name: string) => string;
  /** Warm containers per function, at most. @default the number of cores, 2 to 4 */
  readonly maxContainersPerFunction?: number;
  /**
   * A container idle this long after an invocation is ended (its next invocation starts cold).
   * Each container is a whole V8 isolate with its bundle loaded: functions used once (trigger,
   * split, merge) must not hold that memory for the rest of the run, nor the chunk functions' while merge
   * runs. @default 2000
   */
  readonly idleTimeoutMs?: number;
  /**
   * Containers alive over all functions. Past it, a function that needs a new container first ends
   * the one idle the longest (of another function, idle a second or more), as Lambda reclaims idle
   * execution environments at its discretion; with none such, it starts one anyway. Each is a V8 isolate with a bundle,
   * 60-80 MB: this bounds the run's memory when the steps after the Map start while the chunk
   * functions' containers are still warm. @default 4 times the containers per function
   */
  readonly maxContainers?: number;
  /** How long a container must have been idle to be reclaimed for another function's. @default 1000 */
  readonly reclaimAfterIdleMs?: number;
  /** Test hook: probability that an invocation crashes before the handler runs (a Lambda crash). */
  readonly crashRate?: number;
  readonly random?: () => number;
  /** Where the functions' stdout and stderr go (CloudWatch Logs, locally). @default - discarded */
  readonly logSink?: NodeJS.WritableStream;
  /** The clock containers' idle times are read from, in epoch ms (tests set it). @default Date.now */
  readonly now?: () => number;
  /**
   * Arms the timer that ends a container left idle: `expire` in `ms`, unless the function returned disarms it first
   * (tests set it, to end an idle container without waiting). @default an unref'd setTimeout
   */
  readonly setIdleTimer?: (ms: number, expire: () => void) => () => void;
  /** The account's concurrency quota; each function's reservation is its own (`LocalFunction.reservedConcurrency`). @default 1000, nothing reserved elsewhere */
  readonly concurrency?: AccountConcurrency;
}

/** An invocation waiting for one of its function's containers to be free. */
interface SlotWaiter {
  readonly take: () => void;
  readonly refuse: (error: Error) => void;
}

const hostClosed = () => new LambdaServiceError('ServiceException', 500, 'the local Lambda host is closed');

/** The idle timers' default: an idle container alone does not keep the process alive. */
function unrefTimer(ms: number, expire: () => void): () => void {
  const timer = setTimeout(expire, ms);
  timer.unref();
  return () => clearTimeout(timer);
}

/**
 * Runs each function's bundled code in worker threads, one worker per concurrent invocation
 * (reused while warm), with the function's own environment and timeout.
 */
export class LambdaHost {
  readonly usage: LambdaUsage = { invocations: 0, gbSeconds: 0, arm64GbSeconds: 0 };
  /** Lambda's concurrency quota (account and reserved), apart from the containers this machine runs. */
  readonly concurrency: ConcurrencyQuota;
  private readonly functions = new Map<string, LocalFunction>();
  private readonly idle = new Map<string, Container[]>();
  private readonly all = new Set<Container>();
  /** Set by close(): a container started after it would be a worker thread nobody ends. */
  private closed = false;
  private readonly waiting = new Map<string, SlotWaiter[]>();
  /** Every invocation not yet settled, for close(). */
  private readonly invocations = new InFlight();
  private readonly now: () => number;
  private readonly running = new Map<string, number>();
  private readonly logSink: NodeJS.WritableStream;

  private crashRate: number;

  constructor(functions: LocalFunction[], private readonly options: LambdaHostOptions) {
    this.crashRate = options.crashRate ?? 0;
    this.now = options.now ?? Date.now;
    for (const fn of functions) this.functions.set(fn.name, fn);
    const reserved = functions.filter((fn) => fn.reservedConcurrency !== undefined).map((fn) => [fn.name, fn.reservedConcurrency!] as const);
    this.concurrency = new ConcurrencyQuota(new Map(reserved), options.concurrency);
    this.logSink = options.logSink ?? new PassThrough().resume();
    // Every warm worker pipes its stdout and stderr into the one sink.
    (this.logSink as NodeJS.WritableStream & { setMaxListeners?: (n: number) => void }).setMaxListeners?.(0);
  }

  /** Changes the share of invocations that crash (fault injection); 0 ends it. */
  setCrashRate(rate: number): void {
    this.crashRate = rate;
  }

  /** Finds a function by name or ARN (with or without a qualifier). */
  resolveName(nameOrArn: string): string | undefined {
    const name = nameOrArn.startsWith('arn:') ? nameOrArn.split(':')[6] : nameOrArn.split(':')[0];
    return this.functions.has(name) ? name : undefined;
  }

  has(nameOrArn: string): boolean {
    return this.resolveName(nameOrArn) !== undefined;
  }

  /**
   * Invokes a function once: resolves with its result or rejects with {@link LambdaFunctionError} (the function
   * failed) or {@link LambdaServiceError} (Lambda refused the invocation: no such function, a payload too large, its
   * concurrency limit reached: `TooManyRequests`).
   * An `Event` invocation is refused past the asynchronous payload limit and its response is not limited: it is one
   * attempt of an asynchronous invocation, which `./async-invocation.ts` queues, retries and gives up.
   * @param requestBytes the request's size when the caller has it (the Invoke API's body) @default its JSON's
   */
  invoke(nameOrArn: string, event: unknown, type: InvocationType = 'RequestResponse', requestBytes?: number): Promise<unknown> {
    return this.invocations.track(this.invokeOnce(nameOrArn, event, type, requestBytes));
  }

  private async invokeOnce(nameOrArn: string, event: unknown, type: InvocationType, requestBytes: number | undefined): Promise<unknown> {
    // Refused once closed: a container started now would be a worker thread nobody ends.
    if (this.closed) throw hostClosed();
    const name = this.resolveName(nameOrArn);
    if (!name) throw new LambdaServiceError('ResourceNotFoundException', 404, `Function not found: ${nameOrArn}`);
    const refusal = requestRefusal(requestBytes ?? Buffer.byteLength(JSON.stringify(event ?? null), 'utf8'), type);
    if (refusal) throw refusal;
    // In flight from request to response, as Lambda counts concurrency: the wait for a container included.
    const release = this.concurrency.acquire(name);
    try {
      return await this.runInContainer(this.functions.get(name)!, event, type);
    } finally {
      release();
    }
  }

  private async runInContainer(fn: LocalFunction, event: unknown, type: InvocationType): Promise<unknown> {
    const name = fn.name;
    await this.acquireSlot(name);
    let container: Container;
    try {
      container = this.takeContainer(fn);
    } catch (error) {
      this.releaseSlot(name);
      throw error;
    }
    let started = Date.now();
    this.usage.invocations++;
    try {
      await this.initialise(container);
      started = Date.now();
      const random = this.options.random ?? Math.random;
      if (this.crashRate && random() < this.crashRate) {
        throw new LambdaFunctionError({ errorType: 'Runtime.ExitError', errorMessage: 'RequestId: local Error: Runtime exited with error: injected fault' });
      }
      const { result, bytes } = await this.send(container, fn, event);
      const tooLarge = type === 'RequestResponse' ? responseRefusal(bytes) : undefined;
      if (tooLarge) throw new LambdaFunctionError(tooLarge);
      return result;
    } finally {
      const billedMs = Math.max(1, Date.now() - started);
      const gbs = (billedMs / 1000) * (fn.memoryMb / 1024);
      if (fn.architecture === 'arm64') this.usage.arm64GbSeconds += gbs;
      else this.usage.gbSeconds += gbs;
      if (this.all.has(container)) this.park(container, name);
      this.releaseSlot(name);
    }
  }

  /**
   * Starts `count` containers of a function and waits for their init. A worker thread boots and loads
   * a bundle several times slower than a Lambda cold start, enough to time out callers with short
   * deadlines (the enrichment's HTTP timeout): warming up first keeps local latencies closer to AWS.
   */
  async warmUp(nameOrArn: string, count = 1): Promise<void> {
    const fn = this.functions.get(this.resolveName(nameOrArn) ?? '');
    if (!fn) return;
    const idle = this.idle.get(fn.name) ?? [];
    this.idle.set(fn.name, idle);
    const max = this.options.maxContainersPerFunction ?? DEFAULT_CONTAINERS;
    const started: Container[] = [];
    while (idle.length + started.length < Math.min(count, max)) started.push(this.newContainer(fn));
    await Promise.all(started.map((c) => c.ready.catch(() => this.discard(c))));
    const warm = started.filter((c) => this.all.has(c));
    for (const c of warm) c.idleSince = this.now();
    idle.push(...warm);
  }

  /** Number of containers alive now (started and not ended), over all functions. */
  get containers(): number {
    return this.all.size;
  }

  /**
   * Ends every container, and with them the invocations running: each fails with `Runtime.ExitError`, and those
   * waiting for a container fail too. Resolves once every invocation has settled; later ones are refused.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const queue of this.waiting.values()) for (const waiter of queue.splice(0)) waiter.refuse(hostClosed());
    const containers = [...this.all];
    this.all.clear();
    this.idle.clear();
    for (const c of containers) {
      c.disarmIdle?.();
      c.fail('the local Lambda host closed');
    }
    await Promise.all(containers.map((c) => c.worker.terminate()));
    await this.invocations.settled();
  }

  /** Lambda gives the init phase 10 s of its own; the function's Timeout starts with the invocation. */
  private async initialise(container: Container): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.discard(container);
        void container.worker.terminate();
        reject(new LambdaFunctionError({ errorType: 'Runtime.InitError', errorMessage: 'INIT_REPORT Init Duration: 10000.00 ms Phase: init Status: timeout' }));
      }, INIT_TIMEOUT_MS);
    });
    try {
      await Promise.race([container.ready, limit]);
    } finally {
      clearTimeout(timer);
    }
  }

  private send(container: Container, fn: LocalFunction, event: unknown): Promise<{ result: unknown; bytes: number }> {
    const id = randomUUID();
    const deadline = Date.now() + fn.timeoutSeconds * 1000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        container.pending.delete(id);
        // A timed-out sandbox is discarded, as Lambda does: the next invocation starts cold.
        this.discard(container);
        void container.worker.terminate();
        reject(new LambdaFunctionError({ errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds` }));
      }, fn.timeoutSeconds * 1000);
      container.pending.set(id, {
        resolve: (result, bytes) => { clearTimeout(timer); resolve({ result, bytes }); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      container.worker.postMessage({ id, event, deadline, requestId: id });
    });
  }

  private takeContainer(fn: LocalFunction): Container {
    const idle = this.idle.get(fn.name) ?? [];
    this.idle.set(fn.name, idle);
    const warm = idle.pop();
    if (warm) {
      warm.disarmIdle?.();
      warm.idleSince = undefined;
      return warm;
    }
    return this.newContainer(fn);
  }

  /** Returns a container to its function's idle list, to be ended if no invocation takes it in time. */
  private park(container: Container, name: string) {
    this.idle.get(name)!.push(container);
    container.idleSince = this.now();
    container.disarmIdle = (this.options.setIdleTimer ?? unrefTimer)(this.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, () => {
      this.discard(container);
      void container.worker.terminate();
    });
  }

  private newContainer(fn: LocalFunction): Container {
    // A warm-up may reach here after close().
    if (this.closed) throw hostClosed();
    const credentials = this.options.credentialsFor?.(fn.name);
    const env = {
      ...this.options.baseEnvironment,
      ...fn.environment,
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
      ...credentials ? { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey } : {},
    };
    this.reclaimIdle();
    const container = new Container(fn, this.options.functionArn(fn.name), env, this.logSink, (c) => this.discard(c));
    this.all.add(container);
    return container;
  }

  /** Ends the containers idle the longest (a second or more) while the host is at its budget ({@link LambdaHostOptions.maxContainers}). */
  private reclaimIdle() {
    const budget = this.options.maxContainers ?? DEFAULT_MAX_CONTAINERS;
    const idleBefore = this.now() - (this.options.reclaimAfterIdleMs ?? RECLAIM_AFTER_IDLE_MS);
    while (this.all.size >= budget) {
      let oldest: Container | undefined;
      for (const list of this.idle.values()) {
        for (const c of list) if (c.idleSince! <= idleBefore && (oldest === undefined || c.idleSince! < oldest.idleSince!)) oldest = c;
      }
      if (!oldest) return;
      this.discard(oldest);
      void oldest.worker.terminate();
    }
  }

  private discard(container: Container) {
    container.disarmIdle?.();
    this.all.delete(container);
    for (const list of this.idle.values()) {
      const i = list.indexOf(container);
      if (i >= 0) list.splice(i, 1);
    }
  }

  private async acquireSlot(name: string): Promise<void> {
    const max = this.options.maxContainersPerFunction ?? DEFAULT_CONTAINERS;
    const running = this.running.get(name) ?? 0;
    if (running < max) {
      this.running.set(name, running + 1);
      return;
    }
    await new Promise<void>((take, refuse) => {
      const queue = this.waiting.get(name) ?? [];
      queue.push({ take, refuse });
      this.waiting.set(name, queue);
    });
  }

  private releaseSlot(name: string) {
    const next = this.waiting.get(name)?.shift();
    if (next) next.take(); // the slot passes to the next waiter
    else this.running.set(name, (this.running.get(name) ?? 1) - 1);
  }
}
