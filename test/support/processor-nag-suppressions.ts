import { Stack } from 'aws-cdk-lib';
import { NagSuppressions } from 'cdk-nag';
import { BatchFileProcessor } from '../../src';

/**
 * The AwsSolutions findings a BatchFileProcessor cannot avoid, each suppressed at the path where it
 * occurs, for the exact finding, with the reason. Shared by the construct's and the example's nag tests.
 */
export function suppressProcessorFindings(stack: Stack, processor: BatchFileProcessor): void {
  const path = processor.node.path;
  const byPath = (subPath: string, suppressions: Parameters<typeof NagSuppressions.addResourceSuppressionsByPath>[2]) =>
    NagSuppressions.addResourceSuppressionsByPath(stack, `/${path}/${subPath}`, suppressions, true);

  if (processor.node.tryFindChild('Bucket')) {
    byPath('Bucket/Resource', [{
      id: 'AwsSolutions-S1',
      reason: 'Server access logs need a second bucket the user owns; pass bucketProps.serverAccessLogsBucket to enable them.',
    }]);
  }
  byPath('ChunkProcessor/Resource', [{
    id: 'AwsSolutions-SF1',
    reason: 'The Express chunk processor runs once per chunk and is billed per logged event; it logs ERROR only, the Standard orchestrator logs ALL.',
  }]);

  const handlers = ['Trigger', 'RunTurns', 'SplitInput', 'ValidateChunk', 'EnrichChunk', 'RecordRejects', 'MergeChunks', 'ArchiveInput', 'Notify']
    .filter((id) => processor.node.tryFindChild(id));
  for (const handler of handlers) {
    byPath(`${handler}/ServiceRole`, [
      {
        id: 'AwsSolutions-IAM4',
        reason: 'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch log streams.',
        appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
      },
      {
        id: 'AwsSolutions-IAM5',
        reason: 'X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions and need Resource *.',
        appliesTo: ['Resource::*'],
      },
      {
        id: 'AwsSolutions-IAM5',
        reason: 'Object grants are scoped to one run prefix of the bucket (input/, runs/, output/, archive/); the run id and file names are only known at run time.',
        appliesTo: [{ regex: '/^Resource::<.*Bucket.*\\.Arn>\\/[^*]+\\/\\*$/' }],
      },
      {
        id: 'AwsSolutions-IAM5',
        reason: 'A REST API enricher may invoke one method and path; the path parameter (e.g. {uuid}) is a per-record value, hence its wildcard.',
        appliesTo: [{ regex: '/^Resource::arn:<AWS::Partition>:execute-api:.*\\*$/' }],
      },
    ]);
  }

  byPath('NotifyExecutionHistoryPolicy/Resource', [{
    id: 'AwsSolutions-IAM5',
    reason: 'Notify reads the history of the orchestrator execution that failed; execution names (run ids) are only known at run time.',
    appliesTo: [{ regex: '/^Resource::arn:<AWS::Partition>:states:.*:execution:.*:\\*$/' }],
  }]);
  byPath('FailureReportDeadLetterQueue/Resource', [{
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is itself a dead-letter queue: the one of the EventBridge target that reports failed runs.',
  }]);
  byPath('RunQueueDeadLetterQueue/Resource', [{
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is itself a dead-letter queue: the one of the EventBridge target that releases the turns of ended runs.',
  }]);
  byPath('ChunkProcessor/Role', [
    {
      id: 'AwsSolutions-IAM5',
      reason: 'CDK grants the state machine every version and alias of the handler it invokes (function ARN + ":*"), and X-Ray needs Resource *.',
      appliesTo: ['Resource::*', { regex: '/^Resource::<.*\\.Arn>:\\*$/' }],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason: 'A failed chunk\'s error is written under <work prefix><run id>/failures/; the run id and chunk index are only known at run time.',
      appliesTo: [{ regex: '/^Resource::<.*Bucket.*\\.Arn>\\/[^*]+\\/\\*\\/failures\\/\\*$/' }],
    },
  ]);
  byPath('Orchestrator', [
    {
      id: 'AwsSolutions-IAM5',
      reason: 'Distributed Map and startExecution.sync manage executions whose names are generated at run time (state machine ARN + ":*"), '
        + 'the handlers are invoked by any version (ARN + ":*"), object access is scoped to run prefixes, and X-Ray needs Resource *.',
      appliesTo: [
        'Resource::*',
        { regex: '/^Resource::<.*\\.Arn>:\\*$/' },
        { regex: '/^Resource::<.*Orchestrator.*>:\\*$/' },
        { regex: '/^Resource::arn:<AWS::Partition>:states:.*:execution:.*\\*$/' },
        { regex: '/^Resource::<.*Bucket.*\\.Arn>\\/[^*]+\\/\\*$/' },
      ],
    },
  ]);

  const notificationsHandler = stack.node.children.find((child) => child.node.id.startsWith('BucketNotificationsHandler'));
  if (notificationsHandler) {
    NagSuppressions.addResourceSuppressionsByPath(stack, `/${notificationsHandler.node.path}/Role`, [
      { id: 'AwsSolutions-IAM4', reason: 'CDK\'s own handler for S3 bucket notifications uses the basic execution role.' },
      { id: 'AwsSolutions-IAM5', reason: 'CDK\'s own handler for S3 bucket notifications; PutBucketNotification is granted on Resource * by aws-cdk-lib.' },
    ], true);
  }
}
