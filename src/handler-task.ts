import { Duration } from 'aws-cdk-lib';
import { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

export interface HandlerTaskOptions {
  /** What the handler is called with. @default - the whole state */
  readonly payload?: sfn.TaskInput;
  readonly resultPath: string;
}

/**
 * A state that calls one of the handlers and keeps only its (small) result.
 *
 * Besides the Lambda service errors CDK retries by default, a crashed or throttled invocation is
 * retried: every handler is idempotent (a retry overwrites its files, it never appends).
 * Named errors (`InputFormatError`, …) are not retried: they will not go away.
 */
export function invokeHandler(scope: Construct, id: string, fn: IFunction, options: HandlerTaskOptions): tasks.LambdaInvoke {
  const task = new tasks.LambdaInvoke(scope, id, {
    lambdaFunction: fn,
    payload: options.payload,
    payloadResponseOnly: true,
    resultPath: options.resultPath,
  });
  task.addRetry({
    errors: ['Lambda.Unknown', 'Lambda.TooManyRequestsException', 'Runtime.ExitError'],
    interval: Duration.seconds(2),
    maxAttempts: 3,
    backoffRate: 2,
    jitterStrategy: sfn.JitterType.FULL,
  });
  return task;
}
