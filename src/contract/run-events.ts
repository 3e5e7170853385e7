/**
 * The run events: one per finished run, put on the processor's event bus by the notify handler
 * and matched by `BatchFileProcessor.onRunSucceeded`/`onRunFailed`. Construct and handler import
 * this one module (the handler through its bundle), so the names cannot drift apart.
 * Nothing here may import aws-cdk-lib: it is bundled into a Lambda handler.
 */

/** The `source` of every run event. */
export const RUN_EVENT_SOURCE = 'cdk-batch-file-processor';

/** The `detail-type` of the event of a run that succeeded. */
export const RUN_SUCCEEDED_DETAIL_TYPE = 'Batch Run Succeeded';

/** The `detail-type` of the event of a run that failed, timed out or was aborted. */
export const RUN_FAILED_DETAIL_TYPE = 'Batch Run Failed';

/** The `detail` of a run event. Keys are absent where nothing was written; never record contents. */
export interface RunEventDetail {
  readonly runId: string;
  readonly executionArn: string;
  readonly bucket: string;
  readonly inputKey: string;
  readonly outputKey?: string;
  readonly rejectsKey?: string;
  readonly summaryKey?: string;
  readonly records?: { readonly total: number; readonly valid: number; readonly rejected: number };
  readonly error?: { readonly code: string; readonly message: string };
  /** How many times the run was redriven before it ended; absent when never. */
  readonly redriveCount?: number;
}
