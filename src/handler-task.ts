import { Duration } from 'aws-cdk-lib';
import { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

export interface HandlerTaskOptions {
  /** What the handler is called with. @default - the whole state */
  readonly payload?: sfn.TaskInput;
  readonly resultPath: string;
  /**
   * The task's TimeoutSeconds: the function's timeout, so the definition states how long the step
   * may take. @default - none (Step Functions' default of 99999999 s)
   */
  readonly timeout?: Duration;
  /**
   * How many times a failed invocation is retried in all, whatever the Lambda error (service
   * error, crash or timeout; throttling has `throttleRetry`), in one retrier waiting
   * `retryInterval` and then twice as long each time: a budget the definition states.
   * @default - CDK's retry of Lambda service errors (6, from 2 s), 3 retries (from 2 s) of crashes
   * and timeouts, and RUN_STEP_THROTTLE_RETRY of throttling
   */
  readonly retryAttempts?: number;
  /** The first wait before a retry, with `retryAttempts`. @default Duration.seconds(1) */
  readonly retryInterval?: Duration;
  /**
   * With `retryAttempts`: the retrier of a throttled invocation, apart from the others, so that
   * throttling (which a burst of runs causes) does not use up the retries of crashes and timeouts.
   * @default - no retry of throttling
   */
  readonly throttleRetry?: ThrottleRetry;
}

/** How a throttled invocation is retried: full jitter over a doubling wait, capped. */
export interface ThrottleRetry {
  readonly maxAttempts: number;
  /** The first wait, doubled at each retry. */
  readonly interval: Duration;
  /** The longest wait, before jitter (MaxDelaySeconds). */
  readonly maxDelay: Duration;
}

/**
 * How a throttled step of the orchestrator is retried: up to 10 times, full jitter over waits from
 * 2 s doubling to at most 60 s (at most about 6 minutes in all): a run's step has the run's timeout,
 * not the chunk processor's 5 minutes, and a run must not fail because the account's concurrency was
 * taken for a few minutes. MaxDelaySeconds caps the wait and JitterStrategy FULL draws each wait
 * from 0 to it (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
 */
export const RUN_STEP_THROTTLE_RETRY: ThrottleRetry = { maxAttempts: 10, interval: Duration.seconds(2), maxDelay: Duration.seconds(60) };

/**
 * The Lambda service errors CDK's LambdaInvoke retries by default: Lambda's 500 errors, named
 * `Lambda.<exception>` (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html).
 */
export const LAMBDA_SERVICE_ERRORS = ['Lambda.ClientExecutionTimeoutException', 'Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException'];

/**
 * Lambda refusing an invocation for want of concurrency: the Invoke API's TooManyRequestsException
 * (HTTP 429, https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html), which a Task reports as
 * `Lambda.TooManyRequestsException` (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html).
 * The function does not run: a throttled attempt costs no function time.
 */
export const LAMBDA_THROTTLING_ERRORS = ['Lambda.TooManyRequestsException'];

/**
 * A crashed or timed-out invocation. The `lambda:invoke` integration fails the Task with the
 * function's error type as its error name (the `errorType` of Lambda's error payload):
 * - `Sandbox.Timedout`: the function ran past its timeout, or its init did
 *   (https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html#troubleshooting-timeouts).
 * - `Lambda.Unknown`: an error without a type, which Step Functions documents for out-of-memory errors and
 *   function timeouts (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html).
 *   Which of the two a timeout gives is not settled by the documentation: both are retried.
 * - `Runtime.ExitError`: the runtime exited, past its memory for one (https://repost.aws/knowledge-center/lambda-runtime-error).
 * - `States.Timeout`: the Task's own TimeoutSeconds (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
 *   A step whose TimeoutSeconds is its function's timeout can reach it first on a cold start: the init phase
 *   is not part of the function timeout (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html).
 */
export const LAMBDA_INVOCATION_ERRORS = ['Sandbox.Timedout', 'Lambda.Unknown', 'Runtime.ExitError', sfn.Errors.TIMEOUT];

/**
 * A state that calls one of the handlers and keeps only its (small) result.
 *
 * Besides the Lambda service errors, a crashed, timed-out or throttled invocation is retried: every handler
 * is idempotent (a retry overwrites its files, it never appends). Named errors
 * (`InputFormatError`, …) are not retried: they will not go away.
 */
export function invokeHandler(scope: Construct, id: string, fn: IFunction, options: HandlerTaskOptions): tasks.LambdaInvoke {
  const budgeted = options.retryAttempts !== undefined;
  const task = new tasks.LambdaInvoke(scope, id, {
    lambdaFunction: fn,
    payload: options.payload,
    payloadResponseOnly: true,
    resultPath: options.resultPath,
    taskTimeout: options.timeout && sfn.Timeout.duration(options.timeout),
    // With a retry budget, one retrier of ours covers the service errors too.
    retryOnServiceExceptions: !budgeted,
  });
  if (!budgeted) {
    task.addRetry({
      errors: LAMBDA_INVOCATION_ERRORS,
      interval: Duration.seconds(2),
      maxAttempts: 3,
      backoffRate: 2,
      jitterStrategy: sfn.JitterType.FULL,
    });
    addThrottleRetry(task, RUN_STEP_THROTTLE_RETRY);
    return task;
  }
  if (options.retryAttempts! > 0) {
    task.addRetry({
      errors: [...LAMBDA_SERVICE_ERRORS, ...LAMBDA_INVOCATION_ERRORS],
      interval: options.retryInterval ?? Duration.seconds(1),
      maxAttempts: options.retryAttempts,
      backoffRate: 2,
      jitterStrategy: sfn.JitterType.FULL,
    });
  }
  if (options.throttleRetry) addThrottleRetry(task, options.throttleRetry);
  return task;
}

/** Its own retrier, so that a burst of throttling does not use up the retries of crashes and timeouts. */
function addThrottleRetry(task: tasks.LambdaInvoke, retry: ThrottleRetry): void {
  if (retry.maxAttempts === 0) return;
  task.addRetry({
    errors: LAMBDA_THROTTLING_ERRORS,
    interval: retry.interval,
    maxAttempts: retry.maxAttempts,
    maxDelay: retry.maxDelay,
    backoffRate: 2,
    jitterStrategy: sfn.JitterType.FULL,
  });
}
