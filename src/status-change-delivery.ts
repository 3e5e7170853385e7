import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { createDeadLetterQueue, sendsTo } from './dead-letter-queue';

/** Whose status changes go to which function. */
export interface StatusChangeTarget {
  readonly orchestrator: sfn.IStateMachine;
  readonly handler: lambda.IFunction;
  /** Encrypts the dead-letter queue (EventBridge's use of it: src/log-encryption-key.ts; the handler's: its grant). */
  readonly encryptionKey?: kms.IKey;
}

export interface StatusChangeDeliveryProps extends StatusChangeTarget {
  /** The execution statuses whose changes are delivered. */
  readonly statuses: string[];
  readonly ruleId: string;
  readonly description: string;
  readonly deadLetterQueueId: string;
}

/** What delivers the status changes. */
export interface StatusChangeDelivery {
  readonly rule: events.Rule;
  /**
   * Where a status change that was not handled is kept: an event EventBridge could not deliver (the message is
   * the event), or one the handler failed on past Lambda's retries (the message is Lambda's invocation record,
   * the event in its `requestPayload`).
   */
  readonly deadLetterQueue: sqs.Queue;
}

/**
 * Delivers the orchestrator's execution status changes to a handler, which Step Functions sends to the default
 * event bus for Standard workflows, with what DescribeExecution returns
 * (https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html). Those events are delivered on a
 * best-effort basis, so the target keeps what it could not deliver in a dead-letter queue.
 *
 * EventBridge invokes the function asynchronously: its delivery succeeds once Lambda has queued the event,
 * so the target's dead-letter queue covers delivery only. An error of the handler itself is Lambda's to retry
 * (twice) and then to drop, unless the function has an on-failure destination or a dead-letter queue
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
 */
export function deliverStatusChanges(scope: Construct, props: StatusChangeDeliveryProps): StatusChangeDelivery {
  const key = props.encryptionKey;
  const deadLetterQueue = createDeadLetterQueue(scope, props.deadLetterQueueId, key);
  const rule = new events.Rule(scope, props.ruleId, {
    description: props.description,
    eventPattern: {
      source: ['aws.states'],
      detailType: ['Step Functions Execution Status Change'],
      detail: { stateMachineArn: [props.orchestrator.stateMachineArn], status: props.statuses },
    },
    targets: [new targets.LambdaFunction(props.handler, {
      deadLetterQueue,
      retryAttempts: 8,
      maxEventAge: Duration.hours(6),
    })],
  });
  // An on-failure destination rather than a function dead-letter queue: its invocation record keeps the
  // event (`requestPayload`) with why it was given up (`requestContext.condition`: RetriesExhausted or
  // EventAgeExceeded, `approximateInvokeCount`) and the handler's last error (`responsePayload`), where a
  // dead-letter queue gets "only the content of the event, without details about the response"
  // (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html). The same queue as the
  // target's, so that one alarm watches both; docs/operations.md replays either shape. Destinations apply to
  // asynchronous invocations only: the orchestrator's synchronous calls of the same function are not affected.
  props.handler.configureAsyncInvoke({
    onFailure: sendsTo(deadLetterQueue, key),
    retryAttempts: 2,
    maxEventAge: Duration.hours(6),
  });
  return { rule, deadLetterQueue };
}
