import { RemovalPolicy } from 'aws-cdk-lib';
import { IKey } from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface StateMachineLogGroupProps {
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly encryptionKey?: IKey;
}

/**
 * A log group for a state machine. The `/aws/vendedlogs/` prefix keeps CloudWatch Logs from
 * growing its resource policy with every state machine (it has a 5,120 character limit).
 */
export function stateMachineLogGroup(scope: Construct, id: string, props: StateMachineLogGroupProps): logs.LogGroup {
  return new logs.LogGroup(scope, id, {
    logGroupName: `/aws/vendedlogs/states/${id}-${scope.node.addr}`,
    retention: props.logRetention,
    encryptionKey: props.encryptionKey,
    removalPolicy: props.removalPolicy,
  });
}
