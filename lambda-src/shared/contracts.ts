/**
 * The messages that pass between the state machines and the handlers.
 *
 * Only S3 references and small counters travel through Step Functions (256 KiB payload limit,
 * and every byte of state is paid for in transitions): records never do.
 */

/** What the trigger starts the orchestrator with. */
export interface RunRequest {
  readonly runId: string;
  readonly bucket: string;
  /** The object key, decoded (S3 events URL-encode keys). */
  readonly key: string;
  readonly versionId?: string;
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
}

/** What split-input returns to the orchestrator (stored at `$.split`). */
export interface SplitResult {
  readonly runId: string;
  readonly manifestKey: string;
  readonly chunkCount: number;
  readonly records: number;
  readonly outputKey: string;
  readonly rejectsKey: string;
  readonly summaryKey: string;
  readonly archiveKey: string;
  /** `bucket/url-encoded-key[?versionId=…]`, ready for S3 CopyObject. */
  readonly copySource: string;
}

/** The whole plan of a run, written by split-input to `runPlanKey(runId)` for later steps that need more than the state carries. */
export interface RunPlan extends SplitResult {
  readonly input: RunRequest;
  readonly header: string[];
  readonly delimiter: string;
  readonly startedAt: string;
}

/** Input of each chunk processor execution (built by the Distributed Map's ItemSelector). */
export interface ChunkTask {
  readonly runId: string;
  readonly chunk: ChunkRef;
}

/** What validate-chunk returns (stored at `$.validation`). */
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

/** What enrich-chunk returns (stored at `$.enrichment`). */
export interface EnrichmentResult {
  readonly enriched: number;
  readonly rejected: number;
  readonly processedKey: string;
}

/** What record-rejects returns. */
export interface RecordRejectsResult {
  readonly stored: number;
}

/** What merge-chunks returns (stored at `$.merge`). */
export interface MergeResult {
  readonly records: RecordCounts;
  readonly outputKey: string;
  readonly rejectsKey: string;
  readonly failedChunks: number;
}

export interface RecordCounts {
  readonly total: number;
  readonly valid: number;
  readonly rejected: number;
}

/** Input of notify: the orchestrator's state, with `status` set by the state that calls it. */
export interface NotifyTask {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly runId: string;
  readonly bucket: string;
  readonly key: string;
  readonly split?: SplitResult;
  readonly merge?: MergeResult;
  /** The Catch output: `Error` is the error name, `Cause` the Lambda's JSON error or a service message. */
  readonly error?: { readonly Error: string; readonly Cause?: string };
}

/** The run summary written to `summaryKey` (and to the failure summary key on failure). */
export interface RunSummary {
  readonly runId: string;
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly input: { readonly bucket: string; readonly key: string };
  readonly records?: RecordCounts;
  readonly chunks?: number;
  readonly output?: string;
  readonly rejects?: string;
  readonly error?: { readonly code: string; readonly message: string };
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
