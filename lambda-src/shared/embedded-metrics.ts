/**
 * Counts as CloudWatch metrics, in the embedded metric format: one JSON line in the function's log,
 * which CloudWatch Logs turns into metrics, so the function needs no PutMetricData permission
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 * In the run metrics' namespace, by the orchestrator's name (src/contract/run-metrics.ts).
 */
import { RUN_METRICS_DIMENSION, RUN_METRICS_NAMESPACE } from '../../src/contract/run-metrics';

/** The state machine's name in its ARN or in one of its executions' ARNs: `arn:aws:states:<region>:<account>:<type>:<name>[:<run>]`. */
export function stateMachineNameOf(arn: string): string {
  return arn.split(':')[6];
}

/** The log line of `values` (each a count) for the orchestrator `stateMachine`; `properties` are logged beside them, not metrics. */
export function embeddedMetricsLine(
  stateMachine: string, values: Record<string, number>, now: Date, properties: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    _aws: {
      Timestamp: now.getTime(),
      CloudWatchMetrics: [{
        Namespace: RUN_METRICS_NAMESPACE,
        Dimensions: [[RUN_METRICS_DIMENSION]],
        Metrics: Object.keys(values).map((name) => ({ Name: name, Unit: 'Count' })),
      }],
    },
    [RUN_METRICS_DIMENSION]: stateMachine,
    ...properties,
    ...values,
  });
}
