/**
 * The record counts the notify handler publishes for each successful run, and the run queue's counts
 * run-turns publishes (CloudWatch embedded metric format), which the construct charts and exposes.
 * Nothing here may import aws-cdk-lib: it is bundled into the Lambda handlers.
 */

/** The CloudWatch namespace of the run metrics. */
export const RUN_METRICS_NAMESPACE = 'CdkBatchFileProcessor';

/** The dimension that tells processors apart: the orchestrator state machine's name. */
export const RUN_METRICS_DIMENSION = 'StateMachine';

/** The metrics of a successful run, each a count. */
export type RunRecordMetric = 'RecordsTotal' | 'RecordsValid' | 'RecordsRejected' | 'ChunksFailed';

/** The run queue's metrics, each a count at the time run-turns took or released a turn. */
export type RunQueueMetric = 'RunsWaiting' | 'RunsRunning';
