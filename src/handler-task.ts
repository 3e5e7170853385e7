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
   * error, throttling, crash or timeout), in one retrier waiting `retryInterval` and then twice as
   * long each time: a budget the definition states. @default - CDK's retry of Lambda service errors
   * (6, from 2 s) and 3 retries (from 2 s) of crashes, timeouts and throttling
   */
  readonly retryAttempts?: number;
  /** The first wait before a retry, with `retryAttempts`. @default Duration.seconds(1) */
  readonly retryInterval?: Duration;
}

/** The Lambda service errors CDK's LambdaInvoke retries by default. */
const SERVICE_ERRORS = ['Lambda.ClientExecutionTimeoutException', 'Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException'];
/** A crashed (or timed-out: Lambda.Unknown) or throttled invocation. */
const INVOCATION_ERRORS = ['Lambda.Unknown', 'Lambda.TooManyRequestsException', 'Runtime.ExitError'];

/**
 * A state that calls one of the handlers and keeps only its (small) result.
 *
 * Besides the Lambda service errors, a crashed or throttled invocation is retried: every handler
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
    task.addRetry({ errors: INVOCATION_ERRORS, interval: Duration.seconds(2), maxAttempts: 3, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL });
  } else if (options.retryAttempts! > 0) {
    task.addRetry({
      errors: [...SERVICE_ERRORS, ...INVOCATION_ERRORS],
      interval: options.retryInterval ?? Duration.seconds(1),
      maxAttempts: options.retryAttempts,
      backoffRate: 2,
      jitterStrategy: sfn.JitterType.FULL,
    });
  }
  return task;
}
