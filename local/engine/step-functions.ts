// local/ is development tooling, left out of the npm package: it runs on devDependencies.
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { allStates } from './asl-walk';
import { AwsSdkTasks, parseSdkResource } from './aws-sdk-tasks';
import { ChildExecution, DISTRIBUTED_MAP_RESOURCE, MapRun, MapState, ReaderConfig, runDistributedMap } from './distributed-map';
import {
  EngineEvent, executionLimitExceeded, EXPRESS_DURATION_LIMIT_SECONDS, ExecutionLimits, HISTORY_EVENT_LIMIT, OPEN_EXECUTION_LIMIT,
  startExecutionRate, startExecutionRefusal, stepFunctionsIntegrationError, THROTTLING_ERRORS, throttlingException,
} from './execution-limits';
import {
  EnteredState, ExecutionEnd, ExecutionRecord, ExecutionStatus, newExecutionRecord, recordEnd, recordRedrive, recordStateEntered,
} from './execution-record';
import { RunnableDefinition, runnableDefinition } from './runnable-definition';
import { cachedEngine, evaluatePayloadTemplate } from './state-machine-engine';
import { TokenBucket, TokenBucketRate } from './token-bucket';
import { StateMachineCall } from '../iam/state-machine-refusals';
import { LambdaHost } from '../lambda/lambda-host';
import { InFlight } from '../shared/in-flight';
import { namedError } from '../shared/named-error';
import { LocalStateMachine } from '../template/cloud-assembly';

export interface StepFunctionsUsage {
  /** State transitions of Standard executions (StateEntered events), the billed unit of Standard workflows. */
  standardTransitions: number;
  standardExecutions: number;
  expressRequests: number;
  /** Express duration × 64 MB, billed per 100 ms. */
  expressGbSeconds: number;
}

/** A Map Run's children: how many there are, how many have ended, how many of those failed. */
export interface MapProgress {
  readonly mapRunArn: string;
  readonly total: number;
  readonly done: number;
  readonly failed: number;
}

export interface LocalStepFunctionsOptions {
  readonly lambda: LambdaHost;
  readonly sdk: AwsSdkTasks;
  /**
   * Wait before each retry, instead of the definition's IntervalSeconds × BackoffRate (attempt counts are kept); a
   * retrier of throttling errors only waits as defined all the same (see `retryIntervalOverrides`).
   */
  readonly retryIntervalMs?: number;
  /**
   * How long every Wait state waits, instead of its Seconds, SecondsPath, Timestamp or TimestampPath: a run that
   * waits its turn (the orchestrator's WaitForTurn, 5 to 87 s on AWS) polls again this much later. @default - as defined
   */
  readonly waitStateMs?: number;
  /** How long an Express execution may run before it fails with `States.Timeout`. @default 300 (AWS's limit) */
  readonly expressDurationLimitSeconds?: number;
  /** How many history events a Standard execution may reach before it fails with `States.Runtime`. @default 25,000 (AWS's limit) */
  readonly historyEventLimit?: number;
  /**
   * How many Standard executions started by StartExecution may run at once: one more is refused with
   * `ExecutionLimitExceeded`. Express executions and Distributed Map children are not counted. @default 1,000,000 (AWS's quota)
   */
  readonly openExecutionLimit?: number;
  /**
   * StartExecution's token bucket for Standard state machines (the API's and the `states:startExecution` Task's calls;
   * not Distributed Map children): a call that finds it empty is refused with `ThrottlingException`. @default AWS's in us-east-1
   */
  readonly startExecutionRate?: TokenBucketRate;
  /** The clock the StartExecution bucket refills by, in ms. @default Date.now */
  readonly clock?: () => number;
  /** Reads a Distributed Map's ItemReader source. */
  readItems(resource: string, parameters: any, readerConfig?: ReaderConfig): Promise<unknown[]>;
  /** Writes a Distributed Map's ResultWriter files. */
  writeResults(resource: string, parameters: any, files: ReadonlyArray<{ key: string; body: string }>): Promise<void>;
  /** Told when a Distributed Map's children start and end, for each Map Run. */
  onMapProgress?(progress: MapProgress): void;
  /**
   * Told when an execution of a Standard state machine changes status (started, redriven, ended),
   * as Step Functions tells EventBridge (Express workflows and Map children send no such event).
   */
  onStatusChange?(record: ExecutionRecord): void;
  /**
   * Asked before each call Step Functions makes with a state machine's role: the error the state fails with
   * when the role may not make it, or undefined. `stateMachineArn` names the state machine whose role it is (a
   * Distributed Map's children run with their parent's). @default - every call is allowed
   */
  refuseCall?(stateMachineArn: string, call: StateMachineCall): Error | undefined;
}

/** Raised by StartExecution for a name already used (AWS JSON error `__type`). */
export class ExecutionAlreadyExists extends Error {
  constructor(name: string) {
    super(`Execution Already Exists: '${name}'`);
    this.name = 'ExecutionAlreadyExists';
  }
}

/**
 * What a Task of an execution that has ended (stopped, timed out, failed) or of a closed service fails with: an
 * error no Retry or Catch matches (the engine reads these flags), so that the engine, which runs on after
 * an abort until the Task it was waiting for settles, ends there instead of retrying it.
 */
function executionEnded(executionArn: string): Error {
  return namedError('States.Runtime', `The execution ${executionArn} has ended: its Tasks no longer run`, { isCatchable: false, isRetryable: false });
}

/** How long after it stopped an execution can be redriven (https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html). */
const REDRIVE_WINDOW_MS = 14 * 24 * 3600 * 1000;

/** The engine's errors for an execution it stopped, by the status they end it with. */
function stoppedStatus(error: Error): ExecutionStatus | undefined {
  if (error.name === 'ExecutionAbortedError') return 'ABORTED';
  if (error.name === 'ExecutionTimeoutError') return 'TIMED_OUT';
  return undefined;
}

const EXPRESS_BILLED_GB = 64 / 1024;

/**
 * A state machine an execution runs. `runsAs`: the state machine whose role the execution's calls use (itself
 * unless a Map child).
 */
interface ExecutedMachine {
  readonly arn: string;
  readonly name: string;
  readonly type: 'STANDARD' | 'EXPRESS';
  readonly runsAs?: string;
}

/** An execution's context object (`$$`): a type, not an interface, to pass as a plain record. */
type ExecutionContext = {
  readonly Execution: { Id: string; Name: string; Input: unknown; StartTime: string; RoleArn: string; RedriveCount: number };
  readonly StateMachine: { Id: string; Name: string };
};

function executionContext(machine: ExecutedMachine, record: ExecutionRecord): ExecutionContext {
  return {
    Execution: {
      Id: record.executionArn,
      Name: record.name,
      Input: record.input,
      StartTime: record.startDate.toISOString(),
      RoleArn: `${machine.arn}-role`,
      RedriveCount: record.redriveCount,
    },
    StateMachine: { Id: machine.arn, Name: machine.name },
  };
}

/** What the engine's events have told of an execution so far. */
interface ExecutionProgress {
  transitions: number;
  /** The top-level state entered last. */
  lastState?: EnteredState;
}

/** Follows the engine's events until the execution ends: each checked against the limits, the top-level states entered recorded. */
async function followEvents(
  events: AsyncIterable<EngineEvent>, limits: ExecutionLimits, record: ExecutionRecord, progress: ExecutionProgress,
): Promise<void> {
  for await (const event of events) {
    limits.observe(event);
    // Past a limit the execution has failed at the state it was in: nothing after it happens.
    if (limits.violation) break;
    if (event.type !== 'StateEntered') continue;
    progress.transitions++;
    // Top-level states only: the states of an inline Map's iterations carry their index.
    if (event.index !== undefined) continue;
    progress.lastState = { name: event.state!.name, input: event.state!.input };
    recordStateEntered(record, event.state!);
  }
}

/** How an execution ended: as the engine settled it, unless it crossed a limit. */
function executionEnd(
  settled: { output: unknown } | { failure: Error }, violation: Error | undefined, expressLimitSeconds: number | undefined,
): ExecutionEnd {
  // A limit crossed fails the execution, however the engine ended it (stopped, or already past the state).
  if (violation) return { status: 'FAILED', output: undefined, error: violation.name, cause: violation.message };
  if (!('failure' in settled)) return { status: 'SUCCEEDED', output: settled.output };
  const stopped = stoppedStatus(settled.failure);
  if (stopped === 'ABORTED') return { status: stopped };
  if (stopped === 'TIMED_OUT') {
    const cause = expressLimitSeconds !== undefined
      ? `The execution ran longer than the ${expressLimitSeconds} s an Express workflow may run`
      : 'The execution timed out (the state machine\'s TimeoutSeconds)';
    return { status: stopped, error: 'States.Timeout', cause };
  }
  const failure = (settled.failure as Error & { cause?: Error }).cause ?? settled.failure;
  return { status: 'FAILED', error: failure.name, cause: failure.message };
}

/**
 * A local Step Functions service: runs the state machines with aws-local-stepfunctions, each Task
 * bound to its local implementation (Lambda host, child executions, SDK calls on the stand-ins),
 * with StopExecution, RedriveExecution and the executions' status changes.
 */
export class LocalStepFunctions {
  readonly usage: StepFunctionsUsage = { standardTransitions: 0, standardExecutions: 0, expressRequests: 0, expressGbSeconds: 0 };
  readonly executions = new Map<string, ExecutionRecord>();
  private readonly machines = new Map<string, LocalStateMachine>();
  /** Each running execution (Map children included), to stop it: its engine aborted, its Tasks and Map Runs ended. */
  private readonly running = new Map<string, { abort(): void }>();
  /** Every execution and every Task running (or still settling after its execution ended), for {@link settled}. */
  private readonly inFlight = new InFlight();
  /** Set by {@link stop}: no execution, redrive or Task starts any more. */
  private stopped = false;
  /**
   * The latest Map Run of each execution's Distributed Map, by `<execution arn>#<state name>`, and the attempt
   * (redrive count) that ran it or resumed it last: a later attempt resumes it.
   */
  private readonly mapRuns = new Map<string, { run: MapRun; attempt: number }>();
  /** The Standard executions started by StartExecution (or redriven) and still running, for the open-executions quota. */
  private readonly open = new Set<string>();
  /** The account's StartExecution bucket in the region (Standard state machines). */
  private readonly startTokens: TokenBucket;
  private throttled = 0;

  constructor(machines: LocalStateMachine[], private readonly options: LocalStepFunctionsOptions) {
    for (const m of machines) this.machines.set(m.arn, m);
    this.startTokens = new TokenBucket(options.startExecutionRate ?? startExecutionRate('us-east-1'), options.clock);
  }

  /** StartExecution calls refused with `ThrottlingException`. */
  get throttles(): number {
    return this.throttled;
  }

  machine(arn: string): LocalStateMachine {
    const m = this.machines.get(arn);
    if (!m) throw namedError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return m;
  }

  execution(arn: string): ExecutionRecord {
    const record = this.executions.get(arn);
    if (!record) throw namedError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return record;
  }

  /**
   * StartExecution semantics: a name is unique per state machine; the same name and input while that
   * execution runs returns it again, otherwise `ExecutionAlreadyExists`; a name or input AWS refuses is
   * refused with its error (`InvalidName`, `ValidationException`); a call over the bucket of a Standard state machine's
   * StartExecution, with `ThrottlingException`.
   */
  startExecution(stateMachineArn: string, input: unknown, name: string = randomUUID()): ExecutionRecord {
    this.refuseWhenStopped();
    const machine = this.machine(stateMachineArn);
    // Every call takes a token, whatever becomes of it (the bucket throttles requests, not executions).
    if (machine.type === 'STANDARD' && !this.startTokens.take()) {
      this.throttled++;
      throw throttlingException();
    }
    const refusal = startExecutionRefusal(name, input);
    if (refusal) throw refusal;
    const executionArn = `${machine.arn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && JSON.stringify(existing.input) === JSON.stringify(input)) return existing;
      throw new ExecutionAlreadyExists(name);
    }
    const openLimit = this.options.openExecutionLimit ?? OPEN_EXECUTION_LIMIT;
    if (machine.type === 'STANDARD' && this.open.size >= openLimit) throw executionLimitExceeded(openLimit);
    const record = newExecutionRecord(executionArn, stateMachineArn, name, input);
    this.executions.set(executionArn, record);
    record.done = this.execute(machine, machine.definition, record, record.input);
    this.countOpen(record);
    return record;
  }

  /** StopExecution: the execution ends ABORTED, at the state it was in. */
  stopExecution(executionArn: string): ExecutionRecord {
    const record = this.execution(executionArn);
    if (record.status === 'RUNNING') this.running.get(executionArn)?.abort();
    return record;
  }

  /**
   * RedriveExecution: restarts a FAILED, TIMED_OUT or ABORTED execution of a Standard state machine
   * within 14 days of its stop, from the state it stopped at with that state's input; a
   * Distributed Map in that state re-runs only its children that did not succeed.
   */
  redriveExecution(executionArn: string): ExecutionRecord {
    this.refuseWhenStopped();
    const record = this.execution(executionArn);
    const machine = this.machine(record.stateMachineArn);
    const redrivable = machine.type === 'STANDARD' && ['FAILED', 'TIMED_OUT', 'ABORTED'].includes(record.status)
      && record.stopDate !== undefined && Date.now() - record.stopDate.getTime() <= REDRIVE_WINDOW_MS && record.resumeAt !== undefined;
    if (!redrivable) {
      throw namedError('ExecutionNotRedrivable', `Execution ${executionArn} cannot be redriven: it is ${record.status}${machine.type === 'EXPRESS' ? ' (Express)' : ''}`);
    }
    const resumeAt = record.resumeAt!;
    recordRedrive(record);
    record.done = this.execute(machine, { ...machine.definition, StartAt: resumeAt.name }, record, resumeAt.input, false);
    // Open again, so counted; whether RedriveExecution is refused past the quota is not documented: it is not, here.
    this.countOpen(record);
    return record;
  }

  /** Counts a Standard execution as open until it ends. */
  private countOpen(record: ExecutionRecord): void {
    if (this.machine(record.stateMachineArn).type !== 'STANDARD') return;
    this.open.add(record.executionArn);
    void record.done.then(() => this.open.delete(record.executionArn));
  }

  /**
   * Stops the service (when the local cloud closes): every running execution is stopped, ABORTED, Distributed Map
   * children included, and nothing starts any more: no execution, redrive, Task, retry or Map child. Tasks already
   * running go on until they settle (a Lambda invocation until it ends: close the Lambda host to end it now);
   * {@link settled} resolves once they have.
   */
  stop(): void {
    this.stopped = true;
    for (const execution of [...this.running.values()]) execution.abort();
  }

  /** Resolves once every execution and every Task has settled: after {@link stop}, nothing of the service runs any more. */
  settled(): Promise<void> {
    return this.inFlight.settled();
  }

  /** {@link stop}, then {@link settled}. */
  async close(): Promise<void> {
    this.stop();
    await this.settled();
  }

  private refuseWhenStopped(): void {
    if (this.stopped) throw namedError('ServiceUnavailable', 'The local Step Functions service is closed');
  }

  private execute(
    machine: ExecutedMachine,
    definition: any,
    record: ExecutionRecord,
    input: unknown,
    validate = true,
    /** A Map child's parent: when it ends, the child is stopped. */
    parent?: AbortSignal,
  ): Promise<ExecutionRecord> {
    return this.inFlight.track(this.runExecution(machine, definition, record, input, validate, parent));
  }

  private async runExecution(
    machine: ExecutedMachine, definition: any, record: ExecutionRecord, input: unknown, validate: boolean, parent: AbortSignal | undefined,
  ): Promise<ExecutionRecord> {
    const standard = machine.type === 'STANDARD';
    const expressLimit = standard ? undefined : this.options.expressDurationLimitSeconds ?? EXPRESS_DURATION_LIMIT_SECONDS;
    const runnable = runnableDefinition(definition, expressLimit);
    const limits = new ExecutionLimits(standard ? this.options.historyEventLimit ?? HISTORY_EVENT_LIMIT : undefined);
    const context = executionContext(machine, record);
    // Aborted when the execution ends, whatever ends it (StopExecution, a timeout, a failure, stop()): the engine
    // runs on after an abort until the Task it was waiting for settles, and then retries it; a Task of an ended
    // execution fails at once instead, and its Distributed Maps start no more children and stop those running.
    const ended = new AbortController();
    // Each running child of its Distributed Maps listens to it (10,000 at most): not a leak.
    setMaxListeners(0, ended.signal);
    const overrides = {
      taskResourceLocalHandlers: this.taskHandlers(runnable, machine.runsAs ?? machine.arn, record, context, limits, ended.signal),
      retryIntervalOverrides: this.retryIntervalOverrides(runnable.definition),
      waitTimeOverrides: this.waitTimeOverrides(runnable.definition),
    };

    if (standard) this.options.onStatusChange?.(record);
    const started = Date.now();
    const execution = cachedEngine(runnable.definition, validate).run(input as any, { context: context as any, overrides });
    const unregister = this.register(record.executionArn, () => {
      ended.abort();
      execution.abort();
    }, limits, parent);
    const progress: ExecutionProgress = { transitions: 0 };
    const following = followEvents(execution.eventLogs as AsyncIterable<EngineEvent>, limits, record, progress);
    let settled: { output: unknown } | { failure: Error };
    try {
      settled = { output: await execution.result };
    } catch (err) {
      settled = { failure: err as Error };
    }
    ended.abort();
    unregister();
    await following.catch(() => undefined);
    recordEnd(record, executionEnd(settled, limits.violation, runnable.expressLimitSeconds), progress.lastState);
    this.countUsage(machine.type, started, progress.transitions);
    if (standard) this.options.onStatusChange?.(record);
    return record;
  }

  /**
   * The local implementation of each Task state of the execution, at every depth, run within its limits. A Task
   * of an execution that has ended, or of the closed service, fails at once.
   */
  private taskHandlers(
    runnable: RunnableDefinition, runsAs: string, record: ExecutionRecord, context: ExecutionContext, limits: ExecutionLimits, ended: AbortSignal,
  ): Record<string, (input: any) => Promise<any>> {
    const refused = () => ended.aborted || this.stopped;
    const handlers: Record<string, (input: any) => Promise<any>> = {};
    for (const [stateName, state] of allStates(runnable.definition)) {
      if (state.Type !== 'Task') continue;
      const run = (taskInput: any) => {
        // Asked again once the limits' checks are done: the execution may have ended meanwhile.
        if (refused()) throw executionEnded(record.executionArn);
        return this.runTask(state, stateName, runnable.maps[stateName], taskInput, context, runsAs, ended);
      };
      handlers[stateName] = (taskInput) => (refused()
        ? Promise.reject(executionEnded(record.executionArn))
        : this.inFlight.track(limits.task(stateName, taskInput, () => run(taskInput))));
    }
    return handlers;
  }

  /**
   * The wait before each retry of every state that retries, by retrier, when the options set one. A retrier of
   * throttling errors only keeps the definition's waits (interval, backoff, MaxDelaySeconds, jitter; -1 leaves a
   * retrier to the engine): what it waits for is concurrency that invocations running in real time free, and its
   * attempts shortened to a few milliseconds would give up long before AWS's would.
   */
  private retryIntervalOverrides(definition: any): Record<string, number[]> {
    const overrides: Record<string, number[]> = {};
    const shortened = this.options.retryIntervalMs;
    if (shortened === undefined) return overrides;
    const throttlesOnly = (retrier: { ErrorEquals: string[] }) => retrier.ErrorEquals.every((error) => THROTTLING_ERRORS.includes(error));
    for (const [name, state] of allStates(definition)) {
      if (state.Retry) overrides[name] = state.Retry.map((retrier: { ErrorEquals: string[] }) => (throttlesOnly(retrier) ? -1 : shortened));
    }
    return overrides;
  }

  /** The wait of every Wait state, by state, when the options set one. */
  private waitTimeOverrides(definition: any): Record<string, number> {
    const waitMs = this.options.waitStateMs;
    if (waitMs === undefined) return {};
    return Object.fromEntries([...allStates(definition)].filter(([, state]) => state.Type === 'Wait').map(([name]) => [name, waitMs]));
  }

  /**
   * Registers a running execution's `stop`, for StopExecution and {@link stop}, a limit crossed and its parent
   * ending; stops it at once when the service or its parent has already ended. Returns the unregistering.
   */
  private register(executionArn: string, stop: () => void, limits: ExecutionLimits, parent: AbortSignal | undefined): () => void {
    this.running.set(executionArn, { abort: stop });
    limits.onViolation = stop;
    // A Map child ends with its parent; one whose parent ended before it started is stopped at once.
    parent?.addEventListener('abort', stop, { once: true });
    if (parent?.aborted || this.stopped) stop();
    return () => {
      parent?.removeEventListener('abort', stop);
      this.running.delete(executionArn);
    };
  }

  private countUsage(type: ExecutedMachine['type'], started: number, transitions: number): void {
    if (type === 'EXPRESS') {
      this.usage.expressRequests++;
      this.usage.expressGbSeconds += Math.ceil(Math.max(1, Date.now() - started) / 100) * 0.1 * EXPRESS_BILLED_GB;
    } else {
      this.usage.standardExecutions++;
      this.usage.standardTransitions += transitions;
    }
  }

  private async runTask(
    state: any,
    stateName: string,
    mapState: MapState | undefined,
    input: any,
    context: ExecutionContext,
    runsAs: string,
    /** Aborted when the execution has ended. */
    ended: AbortSignal,
  ): Promise<unknown> {
    const resource: string = state.Resource;
    if (resource === DISTRIBUTED_MAP_RESOURCE) return this.runMap(stateName, mapState!, input, context, runsAs, ended);
    this.authorize(runsAs, { kind: 'task', resource, parameters: input });
    if (resource.startsWith('arn:aws:states:::lambda:invoke')) {
      const payload = await this.options.lambda.invoke(input.FunctionName, input.Payload ?? {});
      return { ExecutedVersion: '$LATEST', Payload: payload, SdkHttpMetadata: { HttpStatusCode: 200 }, SdkResponseMetadata: { RequestId: randomUUID() }, StatusCode: 200 };
    }
    if (resource.startsWith('arn:aws:lambda:')) return this.options.lambda.invoke(resource, input);
    if (resource.startsWith('arn:aws:states:::states:startExecution')) return this.startExecutionTask(resource, input, runsAs);
    // Optimised integrations (dynamodb:putItem, sns:publish…) take the SDK's parameter names too.
    const optimised = /^arn:aws:states:::([a-z0-9]+):([A-Za-z0-9]+)$/.exec(resource);
    const sdk = parseSdkResource(resource) ?? (optimised ? { service: optimised[1], action: optimised[2] } : undefined);
    if (sdk) return this.options.sdk.run(sdk, input);
    throw namedError('States.Runtime', `No local implementation for Task resource ${resource}`);
  }

  /** Throws the error a refused call fails its state with. */
  private authorize(runsAs: string, call: StateMachineCall): void {
    const refusal = this.options.refuseCall?.(runsAs, call);
    if (refusal) throw refusal;
  }

  /**
   * A Distributed Map state: a Map Run each time it runs, the latest resumed by a redrive. When the execution ends
   * (`ended`), the Map Run is aborted: it starts no more children and its running children are stopped.
   */
  private runMap(
    stateName: string, mapState: MapState, input: unknown, context: ExecutionContext, runsAs: string, ended: AbortSignal,
  ): Promise<unknown> {
    const key = `${context.Execution.Id}#${stateName}`;
    const previous = this.resumedMapRun(key, context.Execution.RedriveCount);
    // arn:aws:states:<region>:<account>:execution:<state machine>:<name>
    const [, , , region, account, , machineName] = context.Execution.Id.split(':');
    const parent = { region, account, machineName, label: mapState.Label ?? stateName, runsAs };
    const mapRunArn = previous?.mapRunArn ?? `arn:aws:states:${region}:${account}:mapRun:${machineName}/${parent.label}:${randomUUID()}`;
    // Whether the role may start the children is asked once per Map Run: refused, no child starts.
    let startRefusal: Error | undefined | null = null;
    return runDistributedMap(mapState, input, {
      context,
      mapRunArn,
      previous,
      signal: ended,
      evaluate: evaluatePayloadTemplate,
      readItems: (r, p, c) => {
        this.authorize(runsAs, { kind: 'itemReader', resource: r, parameters: p });
        return this.options.readItems(r, p, c);
      },
      writeResults: (r, p, files) => {
        for (const file of files) this.authorize(runsAs, { kind: 'resultWriter', resource: r, parameters: { Bucket: p.Bucket, Key: file.key } });
        return this.options.writeResults(r, p, files);
      },
      runChild: (processor, childInput) => {
        if (startRefusal === null) startRefusal = this.options.refuseCall?.(runsAs, { kind: 'startChildren' });
        if (startRefusal) throw startRefusal;
        return this.runMapChild(processor, childInput, parent, ended);
      },
      onProgress: (p) => this.options.onMapProgress?.({ mapRunArn, ...p }),
      onMapRun: (run) => this.mapRuns.set(key, { run, attempt: context.Execution.RedriveCount }),
    });
  }

  /**
   * The Map Run a Distributed Map resumes: the latest one of the state, when an earlier attempt ran it. Within an
   * attempt (the state entered again, an inline Map's iterations), every other run of the state is a Map Run of its
   * own; the first to start resumes it.
   */
  private resumedMapRun(key: string, attempt: number): MapRun | undefined {
    const latest = this.mapRuns.get(key);
    if (!latest || latest.attempt >= attempt) return undefined;
    this.mapRuns.set(key, { run: latest.run, attempt });
    return latest.run;
  }

  /**
   * A Distributed Map child: an execution of the ItemProcessor, Standard or Express as configured,
   * named as AWS names them: `execution:<state machine>/<label>:<id>`.
   */
  private async runMapChild(
    processor: NonNullable<MapState['ItemProcessor']>,
    input: unknown,
    parent: { region: string; account: string; machineName: string; label: string; runsAs: string },
    /** Aborted when the parent execution ends: the child is stopped with it. */
    parentEnded: AbortSignal,
  ): Promise<ChildExecution> {
    const { ProcessorConfig, ...definition } = processor;
    const name = randomUUID();
    const type = ProcessorConfig?.ExecutionType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD';
    const arn = `arn:aws:states:${parent.region}:${parent.account}:stateMachine:${parent.machineName}/${parent.label}`;
    const record = newExecutionRecord(`${arn.replace(':stateMachine:', ':execution:')}:${name}`, arn, name, input);
    const done = await this.execute({ arn, name: `${parent.machineName}/${parent.label}`, type, runsAs: parent.runsAs }, definition, record, input, true, parentEnded);
    const { status, executionArn, output, error, cause, startDate, stopDate } = done;
    return { status: status === 'RUNNING' ? 'FAILED' : status, executionArn, name, input, output, error, cause, startDate, stopDate };
  }

  /** `states:startExecution` (fire and forget), `.sync` (Output as a string) and `.sync:2` (Output as JSON). */
  private async startExecutionTask(resource: string, input: any, runsAs: string): Promise<unknown> {
    const childInput = typeof input.Input === 'string' ? JSON.parse(input.Input) : input.Input ?? {};
    let record: ExecutionRecord;
    try {
      record = this.startExecution(input.StateMachineArn, childInput, input.Name);
    } catch (refusal) {
      // The API's refusal (ExecutionLimitExceeded, InvalidName…), named as the integration names it.
      throw stepFunctionsIntegrationError(refusal as Error);
    }
    if (!resource.includes('.sync')) return { ExecutionArn: record.executionArn, StartDate: record.startDate.toISOString() };
    // The child runs on whether or not its parent may follow it.
    this.authorize(runsAs, { kind: 'describeExecution', executionArn: record.executionArn });
    const done = await record.done;
    const asJson = resource.endsWith('.sync:2');
    const described = {
      ExecutionArn: done.executionArn,
      Input: asJson ? done.input : JSON.stringify(done.input),
      InputDetails: { Included: true },
      Name: done.name,
      StartDate: done.startDate.getTime(),
      StateMachineArn: done.stateMachineArn,
      Status: done.status,
      StopDate: done.stopDate!.getTime(),
      ...(done.status === 'SUCCEEDED'
        ? { Output: asJson ? done.output : JSON.stringify(done.output), OutputDetails: { Included: true } }
        : { Error: done.error, Cause: done.cause }),
    };
    if (done.status !== 'SUCCEEDED') throw namedError('States.TaskFailed', JSON.stringify(described));
    return described;
  }
}

