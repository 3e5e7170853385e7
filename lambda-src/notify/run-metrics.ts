/**
 * A successful run's record counts as CloudWatch metrics, in the embedded metric format: one JSON
 * line in the function's log, which CloudWatch Logs turns into metrics, so the function needs no
 * PutMetricData permission (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 */
import { RUN_METRICS_DIMENSION, RUN_METRICS_NAMESPACE, RunRecordMetric } from '../../src/contract/run-metrics';
import { RunSummary } from '../../src/contract/run-payloads';

/** The embedded-metric log line of a successful run; undefined when the run has no counts. */
export function runMetricsLine(summary: RunSummary, failedChunks: number, now: Date): string | undefined {
  if (summary.records === undefined || summary.executionArn === undefined) return undefined;
  // arn:aws:states:<region>:<account>:execution:<state machine>:<run>
  const stateMachine = summary.executionArn.split(':')[6];
  const values: Record<RunRecordMetric, number> = {
    RecordsTotal: summary.records.total,
    RecordsValid: summary.records.valid,
    RecordsRejected: summary.records.rejected,
    ChunksFailed: failedChunks,
  };
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
    runId: summary.runId,
    ...values,
  });
}
