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
  /** Encrypts the dead-letter queue (EventBridge's use of it: src/log-encryption-key.ts). */
  readonly encryptionKey?: kms.IKey;
}

/** What reports an unsuccessful run. */
export interface RunFailureReporting {
  /** The rule on the orchestrator's status changes to FAILED, TIMED_OUT or ABORTED. */
  readonly rule: events.Rule;
  /** Where a status-change event the notify function could not take is kept. */
  readonly deadLetterQueue: sqs.Queue;
}

/**
 * Reports every run that ends without success from the execution's own status change, which
 * Step Functions sends to the default event bus for Standard workflows, with the error and cause
 * of DescribeExecution (https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html).
 * Those events are delivered on a best-effort basis, so the target keeps what it could not
 * deliver in a dead-letter queue, and an alarm on the orchestrator's failed executions backs it up.
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
  return { rule, deadLetterQueue };
}
