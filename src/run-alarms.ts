import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { unsuccessfulRunsMetric } from './run-metrics';

export interface RunAlarmsProps {
  readonly orchestrator: sfn.IStateMachine;
  readonly chunkProcessor: sfn.IStateMachine;
  readonly deadLetterQueues: Record<string, sqs.IQueue>;
  /** The functions invoked asynchronously, by the name their alarm starts with. */
  readonly asyncFunctions: Record<string, lambda.IFunction>;
}

/**
 * The alarms a processor has by default, each in alarm from the first occurrence in five
 * minutes and OK when nothing happens; their actions are the user's to add. The run alarm is the
 * backstop of the EventBridge failure report, whose events are delivered on a best-effort basis.
 */
export function createRunAlarms(scope: Construct, props: RunAlarmsProps): cloudwatch.Alarm[] {
  const fiveMinutes = { period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM };
  const alarm = (id: string, metric: cloudwatch.IMetric, description: string) => new cloudwatch.Alarm(scope, id, {
    metric,
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: description,
  });
  const alarms = [
    alarm('RunNotSucceededAlarm', unsuccessfulRunsMetric(props.orchestrator, fiveMinutes),
      'A batch run failed, timed out or was aborted: see its summary.json and email, and redrive it once the cause is fixed.'),
    alarm('ChunkExecutionsFailedAlarm', new cloudwatch.MathExpression({
      expression: 'FILL(failed, 0) + FILL(timedOut, 0)',
      usingMetrics: { failed: props.chunkProcessor.metricFailed(fiveMinutes), timedOut: props.chunkProcessor.metricTimedOut(fiveMinutes) },
      period: Duration.minutes(5),
    }), 'Chunk processor executions failed or timed out: their errors are under <workPrefix><runId>/failures/.'),
  ];
  for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
    alarms.push(alarm(`${name}Alarm`, queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
      `A message waits in ${name}: an event the processor could not handle after its retries.`));
  }
  // Lambda drops an asynchronous event when it cannot run it: too old, the function throttled or
  // failing past its retries (then after sending it to the dead-letter queue, if any)
  // (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html#async-invocation-metrics).
  for (const [name, fn] of Object.entries(props.asyncFunctions)) {
    alarms.push(alarm(`${name}AsyncEventsDroppedAlarm`, fn.metric('AsyncEventsDropped', fiveMinutes),
      `Lambda dropped an asynchronous event for the ${name} function: see its log and dead-letter queue, if any.`));
  }
  return alarms;
}
