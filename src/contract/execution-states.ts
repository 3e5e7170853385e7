/**
 * The state of each state machine: the payload it starts with, and each step's result at the
 * field its ResultPath names. The definitions (src/orchestrator.ts, src/chunk-processor.ts) read
 * and write these fields by paths checked against these types (state-paths.ts).
 * Nothing here may import aws-cdk-lib: it is bundled into the Lambda handlers.
 */
import {
  EnrichmentResult, MapRunResult, MergeResult, NotifyResult, RunRequest, SplitResult, ValidateTask, ValidationResult,
} from './run-payloads';
import { TurnAnswer } from './run-turns';

/** The orchestrator's state: the `RunRequest` the trigger starts it with, then each step's result. */
export interface RunState extends RunRequest {
  /** TakeTurn's latest answer. */
  readonly turn: TurnAnswer;
  /** SplitInput's. */
  readonly split: SplitResult;
  /** ProcessChunks'. */
  readonly map: MapRunResult;
  /** MergeChunks'. */
  readonly merge: MergeResult;
  /** NotifySuccess'. */
  readonly notification: NotifyResult;
}

/**
 * Input of archive-input: the orchestrator's whole state at ArchiveInput, of which it reads the
 * `RunRequest` (its optional `versionId` included) and split-input's result.
 */
export type ArchiveTask = Pick<RunState, keyof RunRequest | 'split'>;

/**
 * What a Distributed Map with a ResultWriter outputs, which ProcessChunks' ResultSelector reads
 * (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html).
 */
export interface MapRunOutput {
  readonly MapRunArn: string;
  readonly ResultWriterDetails: { readonly Bucket: string; readonly Key: string };
}

/**
 * The chunk processor's state: the `ValidateTask` the Distributed Map starts it with (also the
 * state of the Map's StartChunkProcessor step), then each step's result.
 */
export interface ChunkState extends ValidateTask {
  /** ValidateChunk's. */
  readonly validation: ValidationResult;
  /** EnrichChunk's, when the processor enriches. */
  readonly enrichment?: EnrichmentResult;
  /** The error of the handler step that failed, for RecordChunkFailure and ChunkFailed. */
  readonly error?: CaughtError;
  /** RecordChunkFailure's own error, kept apart so that ChunkFailed fails with the step's. */
  readonly recordFailureError?: CaughtError;
}

/** What a Catch puts at its ResultPath (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html). */
export interface CaughtError {
  readonly Error: string;
  readonly Cause: string;
}
