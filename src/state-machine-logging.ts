import { Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
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
 *
 * The name ends with the stack id's unique suffix (the GUID CloudFormation gives each stack
 * instance): a group retained by `cdk destroy` (RemovalPolicy.RETAIN, the default) would otherwise
 * make the next deploy of the same stack fail with "already exists". With the construct's path
 * alone, two deploys of one stack would ask for the same name.
 */
export function stateMachineLogGroup(scope: Construct, id: string, props: StateMachineLogGroupProps): logs.LogGroup {
  const stackInstance = Fn.select(2, Fn.split('/', Stack.of(scope).stackId));
  return new logs.LogGroup(scope, id, {
    logGroupName: `/aws/vendedlogs/states/${id}-${scope.node.addr}-${stackInstance}`,
    retention: props.logRetention,
    encryptionKey: props.encryptionKey,
    removalPolicy: props.removalPolicy,
  });
}
