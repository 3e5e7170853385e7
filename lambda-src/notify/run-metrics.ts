/** A successful run's record counts as CloudWatch metrics (lambda-src/shared/embedded-metrics.ts). */
import { RunRecordMetric } from '../../src/contract/run-metrics';
import { RunSummary } from '../../src/contract/run-payloads';
import { embeddedMetricsLine, stateMachineNameOf } from '../shared/embedded-metrics';

/** The embedded-metric log line of a successful run; undefined when the run has no counts. */
export function runMetricsLine(summary: RunSummary, failedChunks: number, now: Date): string | undefined {
  if (summary.records === undefined || summary.executionArn === undefined) return undefined;
  const values: Record<RunRecordMetric, number> = {
    RecordsTotal: summary.records.total,
    RecordsValid: summary.records.valid,
    RecordsRejected: summary.records.rejected,
    ChunksFailed: failedChunks,
  };
  return embeddedMetricsLine(stateMachineNameOf(summary.executionArn), values, now, { runId: summary.runId });
}
