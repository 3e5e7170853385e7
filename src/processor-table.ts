import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface ProcessorTableProps {
  readonly partitionKey: dynamodb.Attribute;
  readonly sortKey: dynamodb.Attribute;
  readonly timeToLiveAttribute: string;
  readonly removalPolicy: RemovalPolicy;
  readonly encryptionKey?: kms.IKey;
}

/**
 * A table of the processor: on demand, with point-in-time recovery, encrypted with the processor's key
 * (else with an AWS-managed key), removed as the processor's other data is.
 */
export function processorTable(scope: Construct, id: string, props: ProcessorTableProps): dynamodb.Table {
  const key = props.encryptionKey;
  return new dynamodb.Table(scope, id, {
    partitionKey: props.partitionKey,
    sortKey: props.sortKey,
    timeToLiveAttribute: props.timeToLiveAttribute,
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: key ? dynamodb.TableEncryption.CUSTOMER_MANAGED : dynamodb.TableEncryption.AWS_MANAGED,
    encryptionKey: key,
    removalPolicy: props.removalPolicy,
  });
}
