import { Duration } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * A dead-letter queue of the processor: TLS only, encrypted with `key` (else with SQS-managed keys), its
 * messages kept 14 days, SQS's longest, for whoever replays them (docs/operations.md).
 */
export function createDeadLetterQueue(scope: Construct, id: string, key: kms.IKey | undefined): sqs.Queue {
  return new sqs.Queue(scope, id, {
    ...key ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key } : { encryption: sqs.QueueEncryption.SQS_MANAGED },
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
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
export function sendsTo(queue: sqs.IQueue, key: kms.IKey | undefined): lambda.IDestination {
  return {
    bind: (_scope, fn) => {
      queue.grant(fn, 'sqs:SendMessage');
      key?.grant(fn, 'kms:GenerateDataKey', 'kms:Decrypt');
      return { destination: queue.queueArn };
    },
  };
}
