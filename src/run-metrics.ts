import { Duration, Fn } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { RUN_METRICS_DIMENSION, RUN_METRICS_NAMESPACE, RunRecordMetric } from './contract/run-metrics';

/**
 * A run's records, as the notify function publishes them for each successful run (CloudWatch
 * embedded metric format, dimension `StateMachine` = the orchestrator's name).
 */
export function recordsMetric(
  orchestrator: sfn.IStateMachine,
  metric: RunRecordMetric,
  props: cloudwatch.MetricOptions = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: RUN_METRICS_NAMESPACE,
    metricName: metric,
    // The name is the ARN's last part: arn:aws:states:<region>:<account>:stateMachine:<name>.
    dimensionsMap: { [RUN_METRICS_DIMENSION]: Fn.select(6, Fn.split(':', orchestrator.stateMachineArn)) },
    statistic: cloudwatch.Stats.SUM,
    period: Duration.minutes(5),
    ...props,
  });
}

/** Runs that did not succeed: the orchestrator's failed, timed-out and aborted executions. */
export function unsuccessfulRunsMetric(orchestrator: sfn.IStateMachine, props: cloudwatch.MetricOptions = {}): cloudwatch.MathExpression {
  const options = { statistic: cloudwatch.Stats.SUM, ...props };
  return new cloudwatch.MathExpression({
    expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)',
    usingMetrics: {
      failed: orchestrator.metricFailed(options),
      timedOut: orchestrator.metricTimedOut(options),
      aborted: orchestrator.metricAborted(options),
    },
    label: props.label ?? 'Runs failed, timed out or aborted',
    period: props.period ?? Duration.minutes(5),
  });
}
