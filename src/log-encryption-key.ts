import { Annotations, Resource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IKey } from 'aws-cdk-lib/aws-kms';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';

/** The id of the synth warning for an imported key, to acknowledge it with `Annotations.acknowledgeWarning`. */
export const IMPORTED_KEY_WARNING = 'cdk-batch-file-processor:importedEncryptionKey';

/**
 * Two services use the key themselves, so its key policy must allow them:
 * - CloudWatch Logs encrypts a log group's data as the service principal `logs.<region>.amazonaws.com`
 *   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html, "Set permissions
 *   on the KMS key");
 * - EventBridge sends an undeliverable status change (a failure report, a run's release) to its dead-letter
 *   queue as `events.amazonaws.com`, which needs kms:GenerateDataKey and kms:Decrypt on the queue's key
 *   (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html). Scoped to this account:
 *   the rule's ARN would make the key depend on the rule, which depends on the queue and so the key.
 * A key created in this stack gets those grants here. The policy of an imported key
 * (`Key.fromKeyArn`) cannot be changed from the stack: CDK's grant then silently adds nothing and
 * creating the log groups fails at deploy, so the user is warned at synth with the statements to add.
 */
export function allowLogsToUseKey(scope: Construct, key: IKey): void {
  const stack = Stack.of(scope);
  if (Resource.isOwnedResource(key)) {
    // The same statements as the warning below prints, with the stack's own account, region and partition.
    const inTheStack = { account: stack.account, region: stack.region, partition: stack.partition };
    key.addToResourcePolicy(iam.PolicyStatement.fromJson(logsKeyPolicyStatement(inTheStack)));
    key.addToResourcePolicy(iam.PolicyStatement.fromJson(eventsKeyPolicyStatement(inTheStack)));
    return;
  }
  const printed = printedEnvironment(stack);
  Annotations.of(scope).addWarningV2(IMPORTED_KEY_WARNING, [
    'encryptionKey is imported, so the construct cannot add to its key policy. CloudWatch Logs must be allowed',
    'to use the key, or creating the log groups fails at deployment. Add this statement to the key policy',
    '(https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html):',
    JSON.stringify(logsKeyPolicyStatement(printed), undefined, 2),
    'and, so that EventBridge can keep an undeliverable failure report or run release in the encrypted dead-letter queues',
    '(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html):',
    JSON.stringify(eventsKeyPolicyStatement(printed), undefined, 2),
    'The key policy must also let this account\'s IAM policies grant the key\'s use (the default key policy does):',
    'the construct grants its functions and state machines through their roles.',
  ].join('\n'));
}

/** Where the key is used: the stack's account, region and partition, or their tokens. */
interface KeyEnvironment {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
}

/** The stack's environment as the warning prints it: a placeholder for what is only known at deployment. */
function printedEnvironment(stack: Stack): KeyEnvironment {
  const regionUnknown = Token.isUnresolved(stack.region);
  return {
    account: Token.isUnresolved(stack.account) ? '<account-id>' : stack.account,
    region: regionUnknown ? '<region>' : stack.region,
    partition: regionUnknown ? '<partition>' : RegionInfo.get(stack.region).partition ?? 'aws',
  };
}

/** The key-policy statement that lets EventBridge write to the failure reports' dead-letter queue. */
function eventsKeyPolicyStatement(env: KeyEnvironment): { [key: string]: unknown } {
  return {
    Effect: 'Allow',
    Principal: { Service: 'events.amazonaws.com' },
    Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
    Resource: '*',
    Condition: { StringEquals: { 'aws:SourceAccount': env.account } },
  };
}

/**
 * The key-policy statement of the CloudWatch Logs documentation ("Step 2: Set permissions on the KMS
 * key"): the actions it lists, only for log groups of the stack's account and region, which the
 * encryption context condition names.
 */
function logsKeyPolicyStatement(env: KeyEnvironment): { [key: string]: unknown } {
  return {
    Effect: 'Allow',
    Principal: { Service: `logs.${env.region}.amazonaws.com` },
    Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    Resource: '*',
    // The handlers' log groups are named by CloudFormation: any log group of the account and region.
    Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${env.partition}:logs:${env.region}:${env.account}:log-group:*` } },
  };
}
