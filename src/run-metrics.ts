import { Duration, Fn } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { RUN_METRICS_DIMENSION, RUN_METRICS_NAMESPACE, RunQueueMetric, RunRecordMetric } from './contract/run-metrics';

/**
 * A run's records, as the notify function publishes them for each successful run (CloudWatch
 * embedded metric format, dimension `StateMachine` = the orchestrator's name).
 */
export function recordsMetric(orchestrator: sfn.IStateMachine, metric: RunRecordMetric, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return runMetric(orchestrator, metric, { statistic: cloudwatch.Stats.SUM, ...props });
}

/**
 * The run queue's counts, as the run-turns function publishes them when a run joins the queue, asks for
 * a turn or ends: the highest of a period is how many runs waited, or ran, at most.
 */
export function runQueueMetric(orchestrator: sfn.IStateMachine, metric: RunQueueMetric, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return runMetric(orchestrator, metric, { statistic: cloudwatch.Stats.MAXIMUM, ...props });
}

function runMetric(orchestrator: sfn.IStateMachine, metric: RunRecordMetric | RunQueueMetric, props: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: RUN_METRICS_NAMESPACE,
    metricName: metric,
    // The name is the ARN's last part: arn:aws:states:<region>:<account>:stateMachine:<name>.
    dimensionsMap: { [RUN_METRICS_DIMENSION]: Fn.select(6, Fn.split(':', orchestrator.stateMachineArn)) },
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
