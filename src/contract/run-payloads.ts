/**
 * The messages that pass between the state machines and the handlers, and the documents the
 * handlers write for each other and for the user. The handlers take and return these types; the
 * state machines build them and read their fields by paths checked against them
 * (execution-states.ts, state-paths.ts).
 *
 * Only S3 references and small counters travel through Step Functions (256 KiB payload limit,
 * and every byte of state is paid for in transitions): records never do.
 * Nothing here may import aws-cdk-lib: it is bundled into the Lambda handlers.
 */

/** What the trigger starts the orchestrator with. */
export interface RunRequest {
  readonly runId: string;
  readonly bucket: string;
  /** The object key, decoded (S3 events URL-encode keys). */
  readonly key: string;
  readonly versionId?: string;
  /**
   * Where the run queues for its turn (run-turns.ts `uploadTicket`): the upload's S3 event time and
   * sequencer. Absent from a run started otherwise, which queues by its execution's start time.
   */
  readonly ticket?: string;
}

/** One chunk of the input, as listed in the manifest that the Distributed Map reads. */
export interface ChunkRef {
  /** 0-based position of the chunk in the input. */
  readonly index: number;
  /** Key of the chunk file: the header line, then the chunk's records exactly as they were in the input. */
  readonly key: string;
  /** Number of records in the chunk. */
  readonly records: number;
  /** Input line number of the chunk file's second line (its first record); the header is line 1 of the chunk file. */
  readonly firstLine: number;
  /**
   * Where the input line of each of the chunk's records is (a JSON array), when they are not
   * consecutive lines from `firstLine`: the records of a rejects file given back keep the lines
   * they had in the original input.
   */
  readonly linesKey?: string;
}

/** What split-input returns to the orchestrator (`RunState.split`). */
export interface SplitResult {
  readonly runId: string;
  readonly manifestKey: string;
  readonly chunkCount: number;
  readonly records: number;
  /**
   * The run's CSV delimiter, read by split-input from its environment: the one source of it for
   * the run. The Distributed Map's ItemSelector hands it to each chunk (`ValidateTask`); the
   * later steps read it from the run plan.
   */
  readonly delimiter: string;
  readonly outputKey: string;
  readonly rejectsKey: string;
  readonly summaryKey: string;
  readonly archiveKey: string;
  /** `bucket/url-encoded-key[?versionId=…]`, ready for S3 CopyObject. */
  readonly copySource: string;
}

/** The whole plan of a run, written by split-input to `WorkFiles.runPlanKey` for later steps that need more than the state carries. */
export interface RunPlan extends SplitResult {
  readonly input: RunRequest;
  readonly header: string[];
  readonly startedAt: string;
}

/** One chunk of a run: what record-rejects is called with. */
export interface ChunkTask {
  readonly runId: string;
  readonly chunk: ChunkRef;
}

/**
 * Input of each chunk processor execution (built by the Distributed Map's ItemSelector from the
 * split result) and of validate-chunk: the chunk, with the run's delimiter.
 */
export interface ValidateTask extends ChunkTask {
  readonly delimiter: string;
}

/** What validate-chunk returns (`ChunkState.validation`). */
export interface ValidationResult {
  readonly valid: number;
  readonly rejected: number;
  /** `validated/NNNNN.json` (a `ValidatedChunk`) when enrichment follows, else the processed chunk `processed/NNNNN.csv`. */
  readonly validKey: string;
}

/** Input of enrich-chunk. */
export interface EnrichTask extends ChunkTask {
  readonly validKey: string;
}

/** What enrich-chunk returns (`ChunkState.enrichment`). */
export interface EnrichmentResult {
  readonly enriched: number;
  readonly rejected: number;
  readonly processedKey: string;
}

/** What record-rejects returns. */
export interface RecordRejectsResult {
  readonly stored: number;
}

/** What the ProcessChunks Distributed Map leaves in the state (`RunState.map`): where its ResultWriter wrote. */
export interface MapRunResult {
  readonly mapRunArn: string;
  /** The key of the exported results' `manifest.json`. */
  readonly resultsKey: string;
}

/** Input of merge-chunks. */
export interface MergeRequest {
  readonly runId: string;
  readonly split: SplitResult;
  readonly map: MapRunResult;
}

/** What merge-chunks returns (`RunState.merge`). */
export interface MergeResult {
  readonly records: RecordCounts;
  /** Where the output and the rejects are published once the run succeeds. */
  readonly outputKey: string;
  readonly rejectsKey: string;
  /** Where merge-chunks wrote them, under the run's work prefix, until then. */
  readonly stagedOutputKey: string;
  readonly stagedRejectsKey: string;
  readonly failedChunks: number;
}

export interface RecordCounts {
  readonly total: number;
  readonly valid: number;
  readonly rejected: number;
}

/** Input of notify from the orchestrator's last step, NotifySuccess. */
export interface RunSucceededTask {
  readonly status: 'SUCCEEDED';
  readonly runId: string;
  readonly bucket: string;
  readonly key: string;
  readonly executionArn: string;
  /** `$$.Execution.RedriveCount`: 0 unless the run was redriven. */
  readonly redriveCount: number;
  readonly split: SplitResult;
  readonly merge: MergeResult;
}

/**
 * Input of notify for a run that did not succeed: the orchestrator's "Step Functions Execution
 * Status Change" event, whose detail holds what DescribeExecution returns
 * (https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html).
 */
export interface ExecutionStatusChange {
  readonly 'detail-type': 'Step Functions Execution Status Change';
  readonly 'source': 'aws.states';
  readonly 'time'?: string;
  readonly 'detail': {
    readonly executionArn: string;
    readonly stateMachineArn: string;
    /** The execution's name: the run id. */
    readonly name: string;
    readonly status: 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'SUCCEEDED' | 'RUNNING' | 'PENDING_REDRIVE';
    /** Epoch milliseconds. */
    readonly startDate?: number;
    readonly stopDate?: number | null;
    /** The execution's input (a `RunRequest`) as JSON; null when it was too large to include. */
    readonly input?: string | null;
    readonly error?: string | null;
    readonly cause?: string | null;
    readonly redriveCount?: number;
  };
}

export type NotifyEvent = RunSucceededTask | ExecutionStatusChange;

/** What notify returns to NotifySuccess (`RunState.notification`). */
export interface NotifyResult {
  readonly summaryKey: string;
  readonly emailed: boolean;
}

/** How to resume a run that did not succeed. */
export interface RedriveInstructions {
  /** The AWS CLI command that resumes the run from the step that failed. */
  readonly command: string;
  /** Until when Step Functions accepts the redrive (14 days after the execution stopped). */
  readonly possibleUntil?: string;
}

/** The run summary written to `summaryKey`, whether the run succeeded or not. */
export interface RunSummary {
  readonly runId: string;
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly executionArn?: string;
  readonly input: { readonly bucket: string; readonly key: string };
  readonly records?: RecordCounts;
  readonly chunks?: number;
  readonly output?: string;
  readonly rejects?: string;
  readonly error?: { readonly code: string; readonly message: string };
  /** The orchestrator step that failed, when the execution history names one. */
  readonly failedStep?: string;
  readonly redrive?: RedriveInstructions;
  /** How many times the run was redriven; absent when never. */
  readonly redriveCount?: number;
  readonly startedAt?: string;
  readonly finishedAt: string;
  readonly durationMs?: number;
}

/**
 * The valid records of one chunk, as validate-chunk hands them to enrich-chunk (at `validKey`): one
 * JSON document per chunk, so that enrich-chunk parses it with one `JSON.parse` and splits each
 * record's fields once, from its text as written in the input.
 */
export interface ValidatedChunk {
  /** Each record's input line, in input order: a record that enrichment rejects is named by it. */
  readonly lines: number[];
  /** Each record's text as written in the input (no terminator), in the same order as `lines`. */
  readonly records: string[];
}

/** One rejected record, as written to the chunk's rejects file (JSON Lines) and the rejected-records table. */
export interface RejectedRecord {
  readonly line: number;
  readonly fields: string[];
  readonly reasons: string[];
}
