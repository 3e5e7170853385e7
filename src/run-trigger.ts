import { Duration } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { TRIGGER_ENVIRONMENT } from './contract/handler-environment';
import { createDeadLetterQueue } from './dead-letter-queue';
import { HandlerFunction } from './handler-function';
import { ResolvedProps } from './resolved-props';

export interface RunTriggerProps {
  readonly config: ResolvedProps;
  readonly bucket: s3.IBucket;
  /** The state machine each upload starts. */
  readonly orchestrator: sfn.IStateMachine;
  readonly encryptionKey?: kms.IKey;
}

/** What starts a run for each upload. */
export interface RunTrigger {
  /** The function S3 invokes for each upload, which starts the orchestrator. */
  readonly triggerFunction: lambda.Function;
  /** Where the S3 events the function failed to handle (after retries) are kept. */
  readonly deadLetterQueue: sqs.Queue;
}

/**
 * The suffixes of the uploads that start a run, as S3 filters them: the trigger handler's
 * (lambda-src/trigger/run-requests.ts, case-insensitive) in lower and in upper case.
 */
const INPUT_SUFFIXES = ['.csv', '.csv.gz', '.CSV', '.CSV.GZ'];

/**
 * The trigger, with its grants: one orchestrator execution per upload under the input prefix. S3 invokes it
 * asynchronously, so failures after Lambda's retries land in the dead-letter queue instead of vanishing.
 */
export function triggerRunsOnUpload(scope: Construct, props: RunTriggerProps): RunTrigger {
  const { config, encryptionKey: key } = props;
  const deadLetterQueue = createDeadLetterQueue(scope, 'TriggerDeadLetterQueue', key);
  const trigger = new HandlerFunction(scope, 'Trigger', {
    handlerName: 'trigger',
    description: 'Starts the orchestrator for each CSV file uploaded under the input prefix',
    memorySize: 256,
    timeout: Duration.seconds(30),
    environment: TRIGGER_ENVIRONMENT.encode({ logLevel: config.logLevel, stateMachineArn: props.orchestrator.stateMachineArn }),
    deadLetterQueue,
    retryAttempts: 2,
    logRetention: config.logRetention,
    removalPolicy: config.removalPolicy,
    encryptionKey: key,
  });
  props.orchestrator.grantStartExecution(trigger);
  // Lambda sends an event that failed its retries to the dead-letter queue with the function's
  // execution role (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html#invocation-dlq);
  // CDK grants it sqs:SendMessage only. A producer of a KMS-encrypted queue also needs
  // kms:GenerateDataKey and kms:Decrypt on its key
  // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html).
  key?.grant(trigger, 'kms:GenerateDataKey', 'kms:Decrypt');
  // A filter has at most one suffix rule, so each suffix gets a notification of its own. S3 matches
  // suffixes case-sensitively, while the trigger accepts any case: the lower- and upper-case spellings
  // are filtered both (a mixed-case `.Csv` still starts nothing). None of the four ends with another,
  // so they do not overlap, which S3 would refuse:
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html
  for (const suffix of INPUT_SUFFIXES) {
    props.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(trigger), { prefix: config.inputPrefix, suffix });
  }
  return { triggerFunction: trigger, deadLetterQueue };
}
