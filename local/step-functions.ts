// local/ is development tooling, left out of the npm package: it runs on devDependencies.
/* eslint-disable import/no-extraneous-dependencies */
import { randomUUID } from 'node:crypto';
import { AwsSdkTasks, parseSdkResource } from './aws-sdk-tasks';
import { DISTRIBUTED_MAP_RESOURCE, MapState, NO_TIMEOUT_SECONDS, ReaderConfig, rewriteDistributedMaps, runDistributedMap } from './distributed-map';
import { LambdaHost } from './lambda-host';

// aws-local-stepfunctions 3.0.0 calls Promise.withResolvers (Node 22); Node 20 lacks it.
const promiseStatics = Promise as unknown as { withResolvers?: () => unknown };
promiseStatics.withResolvers ??= function withResolvers() {
  let resolve!: (v: unknown) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
};
// The package is typed as ESM but ships a CommonJS build for require().
type Engine = typeof import('aws-local-stepfunctions', { with: { 'resolution-mode': 'import' } });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { StateMachine } = require('aws-local-stepfunctions') as Engine;

export interface LocalStateMachine {
  readonly arn: string;
  readonly name: string;
  readonly type: 'STANDARD' | 'EXPRESS';
  /** Plain ASL, tokens resolved. */
  readonly definition: any;
}

export interface StepFunctionsUsage {
  /** State transitions of Standard executions (StateEntered events), the billed unit of Standard workflows. */
  standardTransitions: number;
  standardExecutions: number;
  expressRequests: number;
  /** Express duration × 64 MB, billed per 100 ms. */
  expressGbSeconds: number;
}

export interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: unknown;
  readonly startDate: Date;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  output?: unknown;
  error?: string;
  cause?: string;
  stopDate?: Date;
  /** Settles when the execution ends (never rejects). */
  readonly done: Promise<ExecutionRecord>;
}

export interface LocalStepFunctionsOptions {
  readonly lambda: LambdaHost;
  readonly sdk: AwsSdkTasks;
  /** Wait before each retry, instead of the definition's IntervalSeconds × BackoffRate (attempt counts are kept). */
  readonly retryIntervalMs?: number;
  /** Reads a Distributed Map's ItemReader source. */
  readItems(resource: string, parameters: any, readerConfig?: ReaderConfig): Promise<unknown[]>;
  onMapProgress?(progress: { total: number; done: number; failed: number }): void;
}

/** Raised by StartExecution for a name already used (AWS JSON error `__type`). */
export class ExecutionAlreadyExists extends Error {
  constructor(name: string) {
    super(`Execution Already Exists: '${name}'`);
    this.name = 'ExecutionAlreadyExists';
  }
}

const EXPRESS_BILLED_GB = 64 / 1024;

function namedError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

/** Every Task state of a definition, nested Parallel branches and inline Map processors included. */
function taskStates(definition: any, found: Record<string, any> = {}): Record<string, any> {
  for (const [name, state] of Object.entries<any>(definition.States ?? {})) {
    if (state.Type === 'Task') found[name] = state;
    for (const branch of state.Branches ?? []) taskStates(branch, found);
    if (state.Type === 'Map') taskStates(state.ItemProcessor ?? state.Iterator ?? {}, found);
  }
  return found;
}

/** Gives Tasks without TimeoutSeconds no timeout (as on AWS) instead of the engine's 60 s default. */
function withTaskTimeouts(definition: any): any {
  const states: Record<string, any> = {};
  for (const [name, state] of Object.entries<any>(definition.States ?? {})) {
    let s = state;
    if (s.Type === 'Task' && s.TimeoutSeconds === undefined && s.TimeoutSecondsPath === undefined) s = { ...s, TimeoutSeconds: NO_TIMEOUT_SECONDS };
    if (s.Branches) s = { ...s, Branches: s.Branches.map(withTaskTimeouts) };
    if (s.Type === 'Map' && s.ItemProcessor) s = { ...s, ItemProcessor: withTaskTimeouts(s.ItemProcessor) };
    if (s.Type === 'Map' && s.Iterator) s = { ...s, Iterator: withTaskTimeouts(s.Iterator) };
    states[name] = s;
  }
  return { ...definition, States: states };
}

/** Evaluates a payload template (Parameters, ItemSelector) with the engine itself, so paths and intrinsics behave as in a state. */
export async function evaluatePayloadTemplate(template: unknown, input: unknown, context: Record<string, unknown>): Promise<unknown> {
  const machine = cachedEngine({ StartAt: 'Evaluate', States: { Evaluate: { Type: 'Pass', Parameters: template, End: true } } });
  return machine.run(input as any, { context: context as any }).result;
}

// Building an engine validates the definition (about 200 ms): build each definition once.
const engines = new Map<string, InstanceType<Engine['StateMachine']>>();
function cachedEngine(definition: unknown): InstanceType<Engine['StateMachine']> {
  const key = JSON.stringify(definition);
  let engine = engines.get(key);
  if (!engine) {
    engine = new StateMachine(definition as any, { validationOptions: { checkArn: false } });
    engines.set(key, engine);
  }
  return engine;
}

/**
 * A local Step Functions service: runs the state machines with aws-local-stepfunctions, each Task
 * bound to its local implementation (Lambda host, child executions, SDK calls on the stand-ins).
 */
export class LocalStepFunctions {
  readonly usage: StepFunctionsUsage = { standardTransitions: 0, standardExecutions: 0, expressRequests: 0, expressGbSeconds: 0 };
  readonly executions = new Map<string, ExecutionRecord>();
  private readonly machines = new Map<string, LocalStateMachine>();

  constructor(machines: LocalStateMachine[], private readonly options: LocalStepFunctionsOptions) {
    for (const m of machines) this.machines.set(m.arn, m);
  }

  machine(arn: string): LocalStateMachine {
    const m = this.machines.get(arn);
    if (!m) throw namedError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return m;
  }

  /**
   * StartExecution semantics: a name is unique per state machine; the same name and input while that
   * execution runs returns it again, otherwise `ExecutionAlreadyExists`.
   */
  startExecution(stateMachineArn: string, input: unknown, name: string = randomUUID()): ExecutionRecord {
    const machine = this.machine(stateMachineArn);
    const executionArn = `${machine.arn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && JSON.stringify(existing.input) === JSON.stringify(input)) return existing;
      throw new ExecutionAlreadyExists(name);
    }
    const startDate = new Date();
    const record = { executionArn, stateMachineArn, name, input, startDate, status: 'RUNNING' } as ExecutionRecord;
    (record as { done: Promise<ExecutionRecord> }).done = this.execute(machine, machine.definition, record);
    this.executions.set(executionArn, record);
    return record;
  }

  private async execute(machine: { arn: string; name: string; type: 'STANDARD' | 'EXPRESS' }, definition: any, record: ExecutionRecord): Promise<ExecutionRecord> {
    const { definition: runnable, maps } = rewriteDistributedMaps(withTaskTimeouts(definition));
    const context = {
      Execution: { Id: record.executionArn, Name: record.name, Input: record.input, StartTime: record.startDate.toISOString(), RoleArn: `${machine.arn}-role` },
      StateMachine: { Id: machine.arn, Name: machine.name },
    };
    const handlers: Record<string, (input: any) => Promise<any>> = {};
    const retryIntervalOverrides: Record<string, number> = {};
    for (const [stateName, state] of Object.entries<any>(taskStates(runnable))) {
      handlers[stateName] = (input) => this.runTask(state, maps[stateName], input, context);
    }
    if (this.options.retryIntervalMs !== undefined) {
      const visit = (def: any) => {
        for (const [name, state] of Object.entries<any>(def.States ?? {})) {
          if (state.Retry) retryIntervalOverrides[name] = this.options.retryIntervalMs!;
          for (const b of state.Branches ?? []) visit(b);
          if (state.Type === 'Map') visit(state.ItemProcessor ?? state.Iterator ?? {});
        }
      };
      visit(runnable);
    }

    const engine = cachedEngine(runnable);
    const started = Date.now();
    const overrides = { taskResourceLocalHandlers: handlers, retryIntervalOverrides };
    const execution = engine.run(record.input as any, { context: context as any, overrides });
    let transitions = 0;
    const counting = (async () => {
      for await (const event of execution.eventLogs) if (event.type === 'StateEntered') transitions++;
    })();
    try {
      record.output = await execution.result;
      record.status = 'SUCCEEDED';
    } catch (err) {
      const cause = (err as Error & { cause?: Error }).cause ?? (err as Error);
      record.status = 'FAILED';
      record.error = cause.name;
      record.cause = cause.message;
    }
    await counting.catch(() => undefined);
    record.stopDate = new Date();
    if (machine.type === 'EXPRESS') {
      this.usage.expressRequests++;
      this.usage.expressGbSeconds += Math.ceil(Math.max(1, Date.now() - started) / 100) * 0.1 * EXPRESS_BILLED_GB;
    } else {
      this.usage.standardExecutions++;
      this.usage.standardTransitions += transitions;
    }
    return record;
  }

  private async runTask(state: any, mapState: MapState | undefined, input: any, context: Record<string, unknown>): Promise<unknown> {
    const resource: string = state.Resource;
    if (resource === DISTRIBUTED_MAP_RESOURCE) {
      return runDistributedMap(mapState!, input, {
        context,
        evaluate: evaluatePayloadTemplate,
        readItems: (r, p, c) => this.options.readItems(r, p, c),
        runChild: (processor, childInput) => this.runMapChild(processor, childInput),
        onProgress: (p) => this.options.onMapProgress?.(p),
      });
    }
    if (resource.startsWith('arn:aws:states:::lambda:invoke')) {
      const payload = await this.options.lambda.invoke(input.FunctionName, input.Payload ?? {});
      return { ExecutedVersion: '$LATEST', Payload: payload, SdkHttpMetadata: { HttpStatusCode: 200 }, SdkResponseMetadata: { RequestId: randomUUID() }, StatusCode: 200 };
    }
    if (resource.startsWith('arn:aws:lambda:')) return this.options.lambda.invoke(resource, input);
    if (resource.startsWith('arn:aws:states:::states:startExecution')) return this.startExecutionTask(resource, input);
    // Optimised integrations (dynamodb:putItem, sns:publish…) take the SDK's parameter names too.
    const optimised = /^arn:aws:states:::([a-z0-9]+):([A-Za-z0-9]+)$/.exec(resource);
    const sdk = parseSdkResource(resource) ?? (optimised ? { service: optimised[1], action: optimised[2] } : undefined);
    if (sdk) return this.options.sdk.run(sdk, input);
    throw namedError('States.Runtime', `No local implementation for Task resource ${resource}`);
  }

  /** A Distributed Map child: an execution of the ItemProcessor, Standard or Express as configured. */
  private async runMapChild(processor: NonNullable<MapState['ItemProcessor']>, input: unknown): Promise<unknown> {
    const { ProcessorConfig, ...definition } = processor;
    const name = randomUUID();
    const type = ProcessorConfig?.ExecutionType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD';
    const arn = `arn:aws:states:local:000000000000:stateMachine:map-child-${name}`;
    const record = { executionArn: `${arn}:${name}`, stateMachineArn: arn, name, input, startDate: new Date(), status: 'RUNNING' } as ExecutionRecord;
    const result = await this.execute({ arn, name, type }, definition, record);
    if (result.status !== 'SUCCEEDED') throw namedError(result.error ?? 'States.TaskFailed', result.cause ?? '');
    return result.output;
  }

  /** `states:startExecution` (fire and forget), `.sync` (Output as a string) and `.sync:2` (Output as JSON). */
  private async startExecutionTask(resource: string, input: any): Promise<unknown> {
    const childInput = typeof input.Input === 'string' ? JSON.parse(input.Input) : input.Input ?? {};
    const record = this.startExecution(input.StateMachineArn, childInput, input.Name);
    if (!resource.includes('.sync')) return { ExecutionArn: record.executionArn, StartDate: record.startDate.toISOString() };
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
