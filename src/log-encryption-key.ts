import { Annotations, Resource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IKey } from 'aws-cdk-lib/aws-kms';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';

/** The id of the synth warning for an imported key, to acknowledge it with `Annotations.acknowledgeWarning`. */
export const IMPORTED_KEY_WARNING = 'cdk-batch-file-processor:importedEncryptionKey';

/**
 * CloudWatch Logs encrypts a log group's data with the key itself, as the service principal
 * `logs.<region>.amazonaws.com`, so the key's policy must allow it
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html, "Set permissions
 * on the KMS key"). A key created in this stack gets that grant here. The policy of an imported key
 * (`Key.fromKeyArn`) cannot be changed from the stack: CDK's grant then silently adds nothing and
 * creating the log groups fails at deploy, so the user is warned at synth with the statement to add.
 */
export function allowLogsToUseKey(scope: Construct, key: IKey): void {
  const stack = Stack.of(scope);
  if (Resource.isOwnedResource(key)) {
    key.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`));
    return;
  }
  Annotations.of(scope).addWarningV2(IMPORTED_KEY_WARNING, [
    'encryptionKey is imported, so the construct cannot add to its key policy. CloudWatch Logs must be allowed',
    'to use the key, or creating the log groups fails at deployment. Add this statement to the key policy',
    '(https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html):',
    JSON.stringify(logsKeyPolicyStatement(stack), undefined, 2),
    'The key policy must also let this account\'s IAM policies grant the key\'s use (the default key policy does):',
    'the construct grants its functions and state machines through their roles.',
  ].join('\n'));
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
