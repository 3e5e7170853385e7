/**
 * The record counts the notify handler publishes for each successful run (CloudWatch embedded
 * metric format) and the construct charts and exposes. Nothing here may import aws-cdk-lib: it is
 * bundled into a Lambda handler.
 */

/** The CloudWatch namespace of the run metrics. */
export const RUN_METRICS_NAMESPACE = 'CdkBatchFileProcessor';

/** The dimension that tells processors apart: the orchestrator state machine's name. */
export const RUN_METRICS_DIMENSION = 'StateMachine';

/** The metrics of a successful run, each a count. */
export type RunRecordMetric = 'RecordsTotal' | 'RecordsValid' | 'RecordsRejected' | 'ChunksFailed';
