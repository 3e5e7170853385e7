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
 * - EventBridge sends an undeliverable failure report to its dead-letter queue as
 *   `events.amazonaws.com`, which needs kms:GenerateDataKey and kms:Decrypt on the queue's key
 *   (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html). Scoped to this account:
 *   the rule's ARN would make the key depend on the rule, which depends on the queue and so the key.
 * A key created in this stack gets those grants here. The policy of an imported key
 * (`Key.fromKeyArn`) cannot be changed from the stack: CDK's grant then silently adds nothing and
 * creating the log groups fails at deploy, so the user is warned at synth with the statements to add.
 */
export function allowLogsToUseKey(scope: Construct, key: IKey): void {
  const stack = Stack.of(scope);
  if (Resource.isOwnedResource(key)) {
    key.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`));
    key.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }));
    return;
  }
  Annotations.of(scope).addWarningV2(IMPORTED_KEY_WARNING, [
    'encryptionKey is imported, so the construct cannot add to its key policy. CloudWatch Logs must be allowed',
    'to use the key, or creating the log groups fails at deployment. Add this statement to the key policy',
    '(https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html):',
    JSON.stringify(logsKeyPolicyStatement(stack), undefined, 2),
    'and, so that EventBridge can keep an undeliverable failure report in the encrypted dead-letter queue',
    '(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html):',
    JSON.stringify(eventsKeyPolicyStatement(stack), undefined, 2),
    'The key policy must also let this account\'s IAM policies grant the key\'s use (the default key policy does):',
    'the construct grants its functions and state machines through their roles.',
  ].join('\n'));
}

/** The key-policy statement that lets EventBridge write to the failure reports' dead-letter queue. */
function eventsKeyPolicyStatement(stack: Stack): object {
  const account = Token.isUnresolved(stack.account) ? '<account-id>' : stack.account;
  return {
    Effect: 'Allow',
    Principal: { Service: 'events.amazonaws.com' },
    Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
    Resource: '*',
    Condition: { StringEquals: { 'aws:SourceAccount': account } },
  };
}

/** The key-policy statement of the CloudWatch Logs documentation, for every log group of the stack's account and region. */
function logsKeyPolicyStatement(stack: Stack): object {
  const region = Token.isUnresolved(stack.region) ? '<region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<account-id>' : stack.account;
  const partition = Token.isUnresolved(stack.region) ? '<partition>' : RegionInfo.get(stack.region).partition ?? 'aws';
  return {
    Effect: 'Allow',
    Principal: { Service: `logs.${region}.amazonaws.com` },
    Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    Resource: '*',
    // The handlers' log groups are named by CloudFormation: any log group of the account and region.
    Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${account}:log-group:*` } },
  };
}
