/**
 * The limits Step Functions puts on executions, which aws-local-stepfunctions does not know:
 * StartExecution's name and input rules and its throttling, 256 KiB per state input and output, 25,000 history
 * events per Standard execution and 5 minutes per Express execution, each failing as AWS fails.
 */
import { TokenBucketRate } from './token-bucket';
import { namedError } from '../shared/named-error';

/**
 * "Maximum input or output size for a task, state, or execution: 262,144 bytes of data as a UTF-8 encoded
 * string" (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html).
 */
export const PAYLOAD_LIMIT_BYTES = 262_144;

/**
 * A Standard execution fails when its history reaches 25,000 events, unless event 25,000 is ExecutionSucceeded
 * (https://docs.aws.amazon.com/step-functions/latest/dg/bp-history-limit.html). Express workflows have no such limit.
 */
export const HISTORY_EVENT_LIMIT = 25_000;

/**
 * An Express execution runs at most 5 minutes; longer, it fails with `States.Timeout`
 * (https://docs.aws.amazon.com/step-functions/latest/dg/express-limits.html).
 */
export const EXPRESS_DURATION_LIMIT_SECONDS = 300;

/**
 * "Maximum open executions per account: 1,000,000 executions for each AWS account in each AWS Region. Exceeding
 * this will cause an ExecutionLimitExceeded error. Does not apply to Express Workflows"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html).
 */
export const OPEN_EXECUTION_LIMIT = 1_000_000;

/**
 * StartExecution's refusal past the open-executions quota. The message is ours: the documentation gives the error's
 * name and meaning only (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html).
 */
export function executionLimitExceeded(limit: number): Error {
  return namedError('ExecutionLimitExceeded', `The maximum number of running executions (${limit}) has been reached: running executions must end or be stopped before a new execution can be started.`);
}

/**
 * StartExecution of Standard state machines is throttled per account and region with a token bucket: 1,300 tokens
 * refilled at 300 a second in us-east-1, us-west-2 and eu-west-1, 800 at 150 a second in every other region
 * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html, "Quotas related to API action throttling").
 * Express state machines have a bucket of their own, far larger: not modelled. A Distributed Map starts its children
 * without StartExecution: they take no token.
 */
export function startExecutionRate(region: string): TokenBucketRate {
  return ['us-east-1', 'us-west-2', 'eu-west-1'].includes(region) ? { size: 1300, refillPerSecond: 300 } : { size: 800, refillPerSecond: 150 };
}

/**
 * The errors a Task fails with when a quota of the local cloud throttles its call: Lambda's concurrency
 * (`../lambda/concurrency-quota.ts`) and StartExecution's bucket, as the integrations name them.
 */
export const THROTTLING_ERRORS = ['Lambda.TooManyRequestsException', 'StepFunctions.ThrottlingException'];

/** A request over its API action's bucket: `ThrottlingException` (HTTP 400), "Rate exceeded", as AWS's JSON APIs answer. */
export function throttlingException(): Error {
  return namedError('ThrottlingException', 'Rate exceeded');
}

/**
 * The error a Task of the optimized Step Functions integration (`arn:aws:states:::states:startExecution…`) fails
 * with when the API refuses the call: `StepFunctions.<error>`, with the `Exception` suffix even where the API's own
 * name has none (the naming of https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html,
 * assumed for the optimized integration too, which documents no names of its own:
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html). The message stays the API's.
 */
export function stepFunctionsIntegrationError(apiError: Error): Error {
  const exception = apiError.name.endsWith('Exception') ? apiError.name : `${apiError.name}Exception`;
  return namedError(`StepFunctions.${exception}`, apiError.message);
}

export function payloadBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}


/**
 * An error no Retry or Catch matches, not even `States.ALL`. The engine reads these two flags from a thrown
 * error (aws-local-stepfunctions' RuntimeError); its own `States.Runtime` is made the same way.
 */
function terminalError(name: string, message: string): Error {
  return namedError(name, message, { isCatchable: false, isRetryable: false });
}

/**
 * `States.DataLimitExceeded`: "a terminal error that can't be caught by the States.ALL error type", raised when a
 * connector's output, a state's output or a state's input after Parameters is over the payload quota
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html). The documentation calls it
 * terminal; whether a catcher naming it explicitly matches is not said: assumed not, so nothing catches it here.
 * The message for a result is the one AWS gives; the one for an input is ours.
 */
export function dataLimitExceeded(stateName: string, what: 'result' | 'input' | 'output', bytes: number): Error {
  const message = what === 'input'
    ? `The state/task '${stateName}' has an input of ${bytes} bytes, exceeding the maximum number of bytes service limit (${PAYLOAD_LIMIT_BYTES}).`
    : `The state/task '${stateName}' returned a result with a size exceeding the maximum number of bytes service limit (${bytes} of ${PAYLOAD_LIMIT_BYTES} bytes).`;
  return terminalError('States.DataLimitExceeded', message);
}

/** "The execution reached the maximum number of history events (25000).", error `States.Runtime`, as AWS reports it. */
export function historyLimitReached(limit: number): Error {
  return terminalError('States.Runtime', `The execution reached the maximum number of history events (${limit}).`);
}

// Whitespace, brackets, wildcards, the special characters and control characters (U+0000-001F, U+007F-009F).
const FORBIDDEN_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/u;

/**
 * Why StartExecution refuses a name or an input, as the API answers, or undefined.
 * The name: 1–80 characters without whitespace, brackets `< > { } [ ]`, wildcards `? *`, the special characters
 * `" # % \ ^ | ~ ` $ & , ; : /` or control characters, else `InvalidName`
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html). The length is a
 * constraint of the API's model, which AWS answers with `ValidationException` ("Member must have length less than
 * or equal to 80", as seen in https://github.com/wolfeidau/buildkite-serverless-agent/issues/37); the input's
 * 262,144 bytes is the same kind of constraint (`input`: "Maximum length of 262144"), assumed answered the same way
 * (`InvalidExecutionInput` is documented for input that is not valid JSON).
 */
export function startExecutionRefusal(name: string, input: unknown): Error | undefined {
  const length = [...name].length;
  if (length < 1 || length > 80) {
    return namedError('ValidationException', `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must have length ${length < 1 ? 'greater than or equal to 1' : 'less than or equal to 80'}`);
  }
  if (FORBIDDEN_NAME_CHARACTERS.test(name)) return namedError('InvalidName', `Invalid Name: '${name}'`);
  const bytes = payloadBytes(input);
  if (bytes > PAYLOAD_LIMIT_BYTES) {
    return namedError('ValidationException', `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${PAYLOAD_LIMIT_BYTES} (${bytes} bytes)`);
  }
  return undefined;
}

/** An event of the engine's event log, the fields read here. */
export interface EngineEvent {
  readonly type: string;
  readonly index?: number;
  readonly state?: { readonly name: string; readonly type: string; readonly input?: unknown; readonly output?: unknown };
}

/**
 * Watches one execution for the limits it can cross while running: the payload of every state (input, output,
 * a Task's result) and, for a Standard execution, the number of history events. The first limit crossed is
 * `violation`; `onViolation` is told once, to stop the execution.
 *
 * History events are counted as a lower bound of AWS's: each engine event that has one AWS event to match
 * (ExecutionStarted, <State>Entered, <State>Exited, a failed attempt, MapIterationStarted/Succeeded/Failed), and
 * for each Task attempt its TaskScheduled and TaskStarted (and TaskSucceeded). AWS's Map/Parallel start and end
 * events and a Distributed Map's MapRun events are not counted, so an execution may reach AWS's limit somewhat
 * later here than there, never earlier.
 */
export class ExecutionLimits {
  violation?: Error;
  onViolation?: () => void;
  private events = 0;

  /** @param historyEventLimit the history limit, or undefined for none (Express) */
  constructor(private readonly historyEventLimit: number | undefined) {}

  /** Each event of the engine's log, in order. */
  observe(event: EngineEvent): void {
    const state = event.state;
    if (event.type === 'StateEntered' && state) this.checkPayload(state.name, 'input', state.input);
    if (event.type === 'StateExited' && state) this.checkPayload(state.name, 'output', state.output);
    // A Fail state's failure is the execution's (or iteration's) own end event, not an event of the state.
    const counted = ['ExecutionStarted', 'StateEntered', 'StateExited', 'MapIterationStarted', 'MapIterationSucceeded', 'MapIterationFailed'].includes(event.type)
      || (event.type === 'StateFailed' && state?.type !== 'Fail');
    if (counted) this.count(1);
  }

  /**
   * Runs a Task's integration within the limits: its input (Parameters applied) and its result are payloads too,
   * and an oversized output of an earlier state stops the execution before this one calls anything.
   */
  async task(stateName: string, input: unknown, run: () => Promise<unknown>): Promise<unknown> {
    // The engine's events reach `observe` asynchronously: let them all arrive first.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.violation) throw this.violation;
    const inputBytes = payloadBytes(input);
    if (inputBytes > PAYLOAD_LIMIT_BYTES) throw dataLimitExceeded(stateName, 'input', inputBytes);
    this.count(2);
    const result = await run();
    const resultBytes = payloadBytes(result);
    if (resultBytes > PAYLOAD_LIMIT_BYTES) throw dataLimitExceeded(stateName, 'result', resultBytes);
    this.count(1);
    return result;
  }

  private checkPayload(stateName: string, what: 'input' | 'output', value: unknown): void {
    if (this.violation) return;
    const bytes = payloadBytes(value);
    if (bytes > PAYLOAD_LIMIT_BYTES) this.stop(dataLimitExceeded(stateName, what, bytes));
  }

  private count(events: number): void {
    this.events += events;
    // Event number `limit` may only be ExecutionSucceeded (never counted here): a limit-th other event fails.
    if (this.historyEventLimit === undefined || this.violation) return;
    if (this.events >= this.historyEventLimit) this.stop(historyLimitReached(this.historyEventLimit));
  }

  private stop(violation: Error): void {
    this.violation = violation;
    this.onViolation?.();
  }
}
