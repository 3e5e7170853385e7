/**
 * What tests do to a run and no user does: S3's duplicate delivery, a stop part way through, the rejected-records
 * table read back into the result. Apart from the run's options, so those stay what a run of an app needs.
 */
export interface RunTestHooks {
  /** Deliver each S3 event notification twice (S3 delivers at least once). @default false */
  readonly deliverEventTwice?: boolean;
  /** Stop (abort) the run's execution once this many chunks are done, as StopExecution would. @default never */
  readonly abortAfterChunks?: number;
  /** Read the run's items from the rejected-records table into the result's `rejectedRecords`. @default false */
  readonly readRejectedRecords?: boolean;
}
