import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { policyStatements, synthesizeProcessor } from '../support/processor-template';

describe('run events', () => {
  const { template } = synthesizeProcessor((stack) => ({ eventBus: new events.EventBus(stack, 'Runs') }), (processor, stack) => {
    const consumer = new sqs.Queue(stack, 'Consumer');
    processor.onRunSucceeded('Succeeded', { target: new targets.SqsQueue(consumer), description: 'to the consumer', ruleName: 'batch-run-succeeded' });
    processor.onRunFailed('Failed');
  });

  test.each([['Batch Run Succeeded'], ['Batch Run Failed']])('a rule for "%s" on the processor\'s bus, for its own runs only', (detailType) => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: Match.stringLikeRegexp('^Runs') },
      EventPattern: {
        'source': ['cdk-batch-file-processor'],
        'detail-type': [detailType],
        // Several processors may share a bus: the execution ARN names the orchestrator.
        'detail': { executionArn: [{ prefix: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':execution:$')])] } }] },
      },
    });
  });

  test('takes aws-cdk-lib\'s OnEventOptions: target, description, rule name', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: 'batch-run-succeeded',
      Description: 'to the consumer',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Consumer'), 'Arn'] } })],
    });
  });

  test('notify puts the run events on that bus', () => {
    const put = policyStatements(template).filter((statement) => statement.Action.includes('events:PutEvents'));
    expect(put).toHaveLength(1);
    expect(put[0].Resource).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^Runs/), 'Arn'] }]);
  });
});

describe('metrics, alarms and dashboard', () => {
  const { template, processor } = synthesizeProcessor();

  test('run metrics are the orchestrator\'s executions', () => {
    const stack = Stack.of(processor);
    expect(stack.resolve(processor.metricRunsSucceeded().metricName)).toBe('ExecutionsSucceeded');
    expect(stack.resolve(processor.metricRunDuration().metricName)).toBe('ExecutionTime');
    const failed = processor.metricRunsFailed() as cloudwatch.MathExpression;
    expect(Object.values(failed.usingMetrics).map((metric) => (metric as cloudwatch.Metric).metricName).sort())
      .toEqual(['ExecutionsAborted', 'ExecutionsFailed', 'ExecutionsTimedOut']);
  });

  test('runs waiting and running are the run-turns function\'s counts, at their highest, by the orchestrator\'s name', () => {
    const stack = Stack.of(processor);
    for (const [metric, name] of [[processor.metricRunsWaiting(), 'RunsWaiting'], [processor.metricRunsRunning(), 'RunsRunning']] as const) {
      expect(stack.resolve(metric.toMetricConfig().metricStat)).toMatchObject({
        namespace: 'CdkBatchFileProcessor',
        metricName: name,
        statistic: 'Maximum',
        period: expect.objectContaining({ amount: 5 }),
        dimensions: [{ name: 'StateMachine', value: { 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: expect.stringMatching(/^ProcessorOrchestrator/) }] }] } }],
      });
    }
    expect(processor.metricRunsWaiting({ statistic: 'Average' }).statistic).toBe('Average');
  });

  test('alarms by default: a run did not succeed, chunk executions failed, a message waits in a dead-letter queue, an asynchronous event was dropped', () => {
    expect(processor.alarms).toHaveLength(8);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 8);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)' })]),
    });
    for (const queue of ['ProcessorTriggerDeadLetterQueue', 'ProcessorFailureReportDeadLetterQueue', 'ProcessorRunQueueDeadLetterQueue']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${queue}`), 'QueueName'] } }],
      });
    }
    for (const fn of ['ProcessorTrigger', 'ProcessorNotify', 'ProcessorRunTurns']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'AsyncEventsDropped',
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp(`^${fn}[0-9A-F]{8}$`) } }],
      });
    }
    // Their actions are the user's to add.
    for (const alarm of Object.values<any>(template.findResources('AWS::CloudWatch::Alarm'))) expect(alarm.Properties.AlarmActions).toBeUndefined();
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });

  test('alarms can be left out, and a dashboard asked for', () => {
    const quiet = synthesizeProcessor(() => ({ alarms: false, dashboard: true }));
    expect(quiet.processor.alarms).toEqual([]);
    quiet.template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    quiet.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(quiet.template.findResources('AWS::CloudWatch::Dashboard'));
    for (const metric of ['ExecutionsSucceeded', 'ExecutionTime', 'RunsWaiting', 'RunsRunning', 'RecordsValid', 'RecordsRejected', 'ChunksFailed']) {
      expect(body).toContain(metric);
    }
  });
});

describe('grants for other roles', () => {
  const roles: Record<string, iam.Role> = {};
  const { template } = synthesizeProcessor(() => ({}), (processor, stack) => {
    for (const name of ['Uploader', 'Reader', 'Operator']) roles[name] = new iam.Role(stack, name, { assumedBy: new iam.AccountRootPrincipal() });
    processor.grantUpload(roles.Uploader);
    processor.grantReadOutput(roles.Reader);
    processor.grantRedrive(roles.Operator);
  });
  const statementsOf = (role: string) => policyStatements(template).filter((statement) => JSON.stringify(statement.roles).includes(`"${role}`));
  const objectPatterns = (role: string) => statementsOf(role).flatMap((statement) => statement.Resource.map((resource: any) => resource?.['Fn::Join']?.[1]?.slice(1).join('')));

  test('grantUpload puts under the input prefix only, in parts too', () => {
    expect(statementsOf('Uploader').flatMap((statement) => statement.Action).sort()).toEqual(['s3:AbortMultipartUpload', 's3:PutObject']);
    expect(objectPatterns('Uploader')).toEqual(['/input/*']);
  });

  test('grantReadOutput reads and lists under the output prefix only', () => {
    const statements = statementsOf('Reader');
    expect(statements.flatMap((statement) => statement.Action).sort()).toEqual(['s3:GetObject', 's3:ListBucket']);
    expect(objectPatterns('Reader').filter(Boolean)).toEqual(['/output/*']);
    const list = statements.find((statement) => [statement.Action].flat().includes('s3:ListBucket'));
    expect(list?.Condition).toEqual({ StringLike: { 's3:prefix': ['output/*'] } });
  });

  test('grantRedrive may redrive this processor\'s runs, nothing else', () => {
    const [statement, ...others] = statementsOf('Operator');
    expect(others).toEqual([]);
    expect(statement.Action).toEqual(['states:RedriveExecution']);
    expect(JSON.stringify(statement.Resource)).toMatch(/:execution:.*ProcessorOrchestrator.*:\*/);
  });
});

test('the prefixes are public', () => {
  const { processor } = synthesizeProcessor(() => ({ inputPrefix: 'in/', outputPrefix: 'out/' }));
  expect([processor.inputPrefix, processor.outputPrefix, processor.archivePrefix, processor.workPrefix]).toEqual(['in/', 'out/', 'archive/', 'runs/']);
});

test('with the processor\'s key, uploaders may encrypt (and finish parts) with it and readers decrypt, nothing more', () => {
  const roles: Record<string, iam.Role> = {};
  const { template } = synthesizeProcessor((stack) => ({ encryptionKey: new kms.Key(stack, 'Key') }), (processor, stack) => {
    for (const name of ['Uploader', 'Reader']) roles[name] = new iam.Role(stack, name, { assumedBy: new iam.AccountRootPrincipal() });
    processor.grantUpload(roles.Uploader);
    processor.grantReadOutput(roles.Reader);
  });
  const keyActionsOf = (role: string) => policyStatements(template)
    .filter((statement) => JSON.stringify(statement.roles).includes(`"${role}`) && JSON.stringify(statement.Resource).includes('Key'))
    .flatMap((statement) => [statement.Action].flat()).sort();
  expect(keyActionsOf('Uploader')).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
  expect(keyActionsOf('Reader')).toEqual(['kms:Decrypt']);
});
