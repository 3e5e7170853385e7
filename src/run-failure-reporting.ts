import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/** The execution statuses that end a run without success; a redrive can resume each of them. */
export const UNSUCCESSFUL_RUN_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'];

export interface RunFailureReportingProps {
  readonly orchestrator: sfn.IStateMachine;
  readonly notifyFunction: lambda.IFunction;
  /** Encrypts the dead-letter queue (EventBridge's use of it: src/log-encryption-key.ts; notify's: its grant below). */
  readonly encryptionKey?: kms.IKey;
}

/** What reports an unsuccessful run. */
export interface RunFailureReporting {
  /** The rule on the orchestrator's status changes to FAILED, TIMED_OUT or ABORTED. */
  readonly rule: events.Rule;
  /**
   * Where a failure report that was not made is kept: a status-change event EventBridge could not deliver
   * (the message is the event), or one the notify function failed on past Lambda's retries (the message is
   * Lambda's invocation record, the event in its `requestPayload`).
   */
  readonly deadLetterQueue: sqs.Queue;
}

/**
 * Reports every run that ends without success from the execution's own status change, which
 * Step Functions sends to the default event bus for Standard workflows, with the error and cause
 * of DescribeExecution (https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html).
 * Those events are delivered on a best-effort basis, so the target keeps what it could not
 * deliver in a dead-letter queue, and an alarm on the orchestrator's failed executions backs it up.
 *
 * EventBridge invokes the function asynchronously: its delivery succeeds once Lambda has queued the event,
 * so the target's dead-letter queue covers delivery only. An error of notify itself is Lambda's to retry
 * (twice) and then to drop, unless the function has an on-failure destination or a dead-letter queue
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
 */
export function reportRunFailures(scope: Construct, props: RunFailureReportingProps): RunFailureReporting {
  const key = props.encryptionKey;
  const deadLetterQueue = new sqs.Queue(scope, 'FailureReportDeadLetterQueue', {
    ...key ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key } : { encryption: sqs.QueueEncryption.SQS_MANAGED },
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  const rule = new events.Rule(scope, 'RunFailedRule', {
    description: 'Reports a batch run that failed, timed out or was aborted',
    eventPattern: {
      source: ['aws.states'],
      detailType: ['Step Functions Execution Status Change'],
      detail: { stateMachineArn: [props.orchestrator.stateMachineArn], status: UNSUCCESSFUL_RUN_STATUSES },
    },
    targets: [new targets.LambdaFunction(props.notifyFunction, {
      deadLetterQueue,
      retryAttempts: 8,
      maxEventAge: Duration.hours(6),
    })],
  });
  // An on-failure destination rather than a function dead-letter queue: its invocation record keeps the
  // event (`requestPayload`) with why it was given up (`requestContext.condition`: RetriesExhausted or
  // EventAgeExceeded, `approximateInvokeCount`) and notify's last error (`responsePayload`), where a
  // dead-letter queue gets "only the content of the event, without details about the response"
  // (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html). The same queue as the
  // target's, so that one alarm watches both; docs/operations.md replays either shape. Destinations apply to
  // asynchronous invocations only: the orchestrator's synchronous NotifySuccess step is not affected.
  props.notifyFunction.configureAsyncInvoke({
    onFailure: sendsTo(deadLetterQueue, key),
    retryAttempts: 2,
    maxEventAge: Duration.hours(6),
  });
  return { rule, deadLetterQueue };
}

/**
 * An SQS on-failure destination with the grants Lambda's sending needs. Lambda sends the invocation record with
 * the function's execution role (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html):
 * sqs:SendMessage on the queue and, on a queue encrypted with a KMS key, kms:GenerateDataKey and kms:Decrypt on
 * the key, as any producer of such a queue
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html).
 * Not aws-lambda-destinations' SqsDestination, which grants sqs:GetQueueAttributes and sqs:GetQueueUrl too,
 * and every encrypt and decrypt action of the key.
 */
function sendsTo(queue: sqs.IQueue, key: kms.IKey | undefined): lambda.IDestination {
  return {
    bind: (_scope, fn) => {
      queue.grant(fn, 'sqs:SendMessage');
      key?.grant(fn, 'kms:GenerateDataKey', 'kms:Decrypt');
      return { destination: queue.queueArn };
    },
  };
}
