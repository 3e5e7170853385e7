import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { IEventBus } from 'aws-cdk-lib/aws-events';
import { IKey } from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EmailNotification } from './email-notification';
import { RecordEnricher } from './record-enricher';
import { RecordValidator } from './record-validator';

/** How much the handlers log. */
export enum HandlerLogLevel {
  /** Everything, including per-chunk details (never record contents). */
  DEBUG = 'debug',
  /** One line per step of a run. */
  INFO = 'info',
  /** Retries and other recovered problems. */
  WARN = 'warn',
  /** Failures only. */
  ERROR = 'error',
}

/**
 * The character encoding of the input files. Whatever it is, chunk files, the output and the
 * rejects file are written in UTF-8.
 */
export enum InputEncoding {
  /** UTF-8. A record with bytes that are not valid UTF-8 is rejected with the reason `invalid UTF-8`. */
  UTF_8 = 'utf-8',
  /** Windows-1252 (Western European, Excel's "CSV" on Windows): 0x80 is `€`, 0x93/0x94 are `“`/`”`. */
  WINDOWS_1252 = 'windows-1252',
  /** ISO-8859-1 (Latin-1): each byte is the code point of the same value; 0x80–0x9F are C1 controls. */
  ISO_8859_1 = 'iso-8859-1',
  /** UTF-16, little-endian (Excel's "Unicode Text"). A byte order mark at the start decides the byte order. */
  UTF_16LE = 'utf-16le',
  /** UTF-16, big-endian. A byte order mark at the start decides the byte order. */
  UTF_16BE = 'utf-16be',
}

/** Properties of a `BatchFileProcessor`. */
export interface BatchFileProcessorProps {
  /**
   * Records per chunk. Each chunk is validated, enriched and recorded by one Express execution,
   * which must finish within 5 minutes, so each step has a fixed time: validating a chunk 20 s,
   * enriching it 70 s, recording its rejects 20 s. Size chunks so that a chunk's enrichment fits.
   *
   * @default 1000
   */
  readonly chunkSize?: number;
  /**
   * The field delimiter of the input files: one ASCII character (a single byte in UTF-8, so not `§`
   * or `€`), not `"`, CR or LF. Output files use it too.
   *
   * @default ','
   */
  readonly delimiter?: string;
  /**
   * The character encoding of the input files. A byte order mark at the start of a file (UTF-8,
   * UTF-16LE or UTF-16BE) decides over this setting. Input in any other encoding than UTF-8 is
   * converted to UTF-8 once, when it is split: chunk files, the output and the rejects file are
   * always UTF-8, and line numbers are those of the input. Bytes the encoding leaves undefined
   * become U+FFFD (�); with UTF-8, a record with invalid bytes is rejected instead.
   *
   * @default InputEncoding.UTF_8
   */
  readonly encoding?: InputEncoding;
  /**
   * How each record is validated.
   *
   * @default - no validation: only records with the wrong number of fields are rejected
   */
  readonly validator?: RecordValidator;
  /**
   * Where the data appended to each valid record comes from.
   *
   * @default - no enrichment: valid records are output as they are
   */
  readonly enrichment?: RecordEnricher;
  /**
   * Who is emailed the summary of each run, with links to its output and rejects, and each failure.
   *
   * @default - no email; the summary is still written to the bucket
   */
  readonly email?: EmailNotification;
  /**
   * An existing bucket to use for inputs, work files and outputs. The construct adds an event
   * notification to it, but cannot add lifecycle rules: expire the work prefix yourself, no sooner
   * than `runTimeout` + 15 days after a file is written, or a redrive finds the run's files gone.
   * An SSE-KMS bucket must be imported with its key (`Bucket.fromBucketAttributes` with
   * `encryptionKey`), for the handlers to be granted its use: synth warns about an imported bucket
   * without one.
   *
   * @default - a new bucket, see `bucketProps`
   */
  readonly bucket?: s3.IBucket;
  /**
   * Properties of the new bucket, over the construct's defaults (public access blocked, TLS enforced,
   * encrypted, versioned, work files expired). Not allowed together with `bucket`.
   *
   * @default - the construct's defaults
   */
  readonly bucketProps?: s3.BucketProps;
  /**
   * Where files are uploaded to start a run: every object created under it with a `.csv` suffix, or
   * `.csv.gz` for a gzip-compressed file (also honoured: a `.csv` stored with `Content-Encoding: gzip`).
   * S3 matches suffixes case-sensitively: `.CSV` and `.CSV.GZ` start a run too, a mixed case such as
   * `.Csv` does not.
   * Prefixes end with `/` and none may contain another.
   *
   * @default 'input/'
   */
  readonly inputPrefix?: string;
  /**
   * Where each run's output, rejects and summary are written, under `<outputPrefix><runId>/`.
   *
   * @default 'output/'
   */
  readonly outputPrefix?: string;
  /**
   * Where each input is moved once its run has succeeded, under `<archivePrefix><runId>/`.
   *
   * @default 'archive/'
   */
  readonly archivePrefix?: string;
  /**
   * Where each run's intermediate files (chunks, manifest, processed chunks, rejects) are written.
   *
   * @default 'runs/'
   */
  readonly workPrefix?: string;
  /**
   * How many chunks are processed at once (the Distributed Map's MaxConcurrency), 1 to 10,000.
   * Bounds the load on the enrichment endpoint and on Lambda concurrency.
   *
   * @default 10
   */
  readonly maxConcurrency?: number;
  /**
   * How many runs process at once, 1 to 1,000. A run beyond it waits, before it splits its input,
   * until an earlier one ends, in upload order (S3's event time): it does not fail, and it may wait
   * as long as `runTimeout` allows, which counts the wait. A run that ends any way (succeeded,
   * failed, timed out, aborted) gives its turn, or its place, to the next.
   *
   * Each run processes up to `maxConcurrency` chunks at once, and each chunk invokes a function at a
   * time (more with a Lambda validator or enricher): with the defaults, 10 runs ask for at most
   * 10 × 10 = 100 concurrent Lambda invocations, a tenth of an account's default quota of 1,000, so a
   * burst of uploads leaves the rest of the account room. Raise it with `lambdaConcurrency`, which
   * checks that it fits (docs/operations.md, "Bursts of uploads").
   *
   * @default 10
   */
  readonly maxConcurrentRuns?: number;
  /**
   * The Lambda concurrency the processor may use: the account's concurrency quota in the stack's
   * region (1,000 unless raised), less what your other functions there need. When given, synth
   * refuses a configuration whose runs may need more: `maxConcurrentRuns` × `maxConcurrency` chunk
   * executions × the invocations each has in flight at once (1, plus the batches a Lambda validator or
   * enricher sends at once) + 3 for the trigger, run-turns and notify; with
   * `chunkFunctionsReservedConcurrency`, the reserved concurrency of the chunk functions + what the
   * runs need outside them.
   *
   * @default - not checked
   */
  readonly lambdaConcurrency?: number;
  /**
   * Reserved concurrency of each function that processes a chunk (validate, enrich, record rejects),
   * at least `maxConcurrentRuns` × `maxConcurrency`: every chunk execution may invoke each of them at
   * once. Reserved, that concurrency is theirs alone, so other functions of the account can neither
   * throttle them nor be throttled by them; Lambda refuses a reservation that leaves the account less
   * than 100 unreserved
   * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html).
   *
   * @default - no reservation: the functions share the account's unreserved concurrency
   */
  readonly chunkFunctionsReservedConcurrency?: number;
  /**
   * The percentage of chunks that may fail (after retries) without failing the run, 0 to 100.
   * The records of a failed chunk are put in the rejects file with the reason `chunk processing failed`.
   *
   * @default 0
   */
  readonly toleratedFailurePercentage?: number;
  /**
   * How long intermediate files are kept under the work prefix, in whole days, counted from when
   * each file is written. At least `runTimeout` (rounded up to whole days) + 14 days + 1 day:
   * a run that failed, timed out or was aborted can be redriven for 14 days after it stopped, and the
   * redrive reads work files written since the run started, so a shorter value is refused.
   *
   * A redrive that fails again starts a new 14-day window, but the files do not grow younger: a
   * second redrive late in that window may find them expired. Redrive promptly, or keep them longer.
   *
   * @default - `runTimeout` rounded up to whole days + 15 days (16 days with the default `runTimeout`)
   */
  readonly intermediateFileRetention?: Duration;
  /**
   * How long rejected records are kept in the rejected-records table (whole days, at least 1).
   *
   * @default Duration.days(30)
   */
  readonly rejectedRecordRetention?: Duration;
  /**
   * The longest a run may take, from upload to summary, waiting for its turn included
   * (`maxConcurrentRuns`). A run that takes longer is stopped with the status TIMED_OUT, reported
   * like a failure, and can be redriven.
   *
   * @default Duration.hours(24)
   */
  readonly runTimeout?: Duration;
  /**
   * The event bus that each finished run's event (`Batch Run Succeeded` or `Batch Run Failed`,
   * source `cdk-batch-file-processor`) is put on.
   *
   * @default - the account's default event bus
   */
  readonly eventBus?: IEventBus;
  /**
   * Create the processor's CloudWatch alarms: a run did not succeed, a message waits in a
   * dead-letter queue, chunk processor executions failed. They have no actions: add yours
   * (`processor.alarms`).
   *
   * @default true
   */
  readonly alarms?: boolean;
  /**
   * Create a CloudWatch dashboard of runs, run durations, records valid and rejected, and chunk failures.
   *
   * @default false
   */
  readonly dashboard?: boolean;
  /**
   * How long the links in the summary email stay valid, at most 7 days. A link signed with the
   * notify function's temporary credentials stops working when they expire, whichever comes first.
   *
   * @default Duration.days(1)
   */
  readonly linkExpiry?: Duration;
  /**
   * What happens to the bucket, table and log groups when they are removed from the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * How much the handlers log.
   *
   * @default HandlerLogLevel.INFO
   */
  readonly logLevel?: HandlerLogLevel;
  /**
   * How long the log groups of the handlers and state machines are kept.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Memory of the functions that process one chunk (validate, enrich, record rejects), in MB,
   * 128 to 10,240. More memory is also more CPU and network.
   *
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * Memory of split-input and merge-chunks, in MB, 128 to 10,240. Each streams the whole file in
   * one invocation of at most 15 minutes, and Lambda gives a function CPU in proportion to its
   * memory, one full vCPU at 1,769 MB: below that, the largest file a run can take shrinks with it
   * (bench/RESULTS.md). They run once per run, so the default costs cents per run at most.
   *
   * @default 1769
   */
  readonly splitAndMergeMemorySize?: number;
  /**
   * A KMS key to encrypt the new bucket, the rejected-records table, the log groups and the trigger's
   * dead-letter queue with. The construct grants its functions and state machines the use of it
   * through their roles, and, for a key created in the same stack, CloudWatch Logs in the key policy.
   *
   * An imported key's policy (`Key.fromKeyArn`) cannot be changed from the stack: add the statement
   * that lets CloudWatch Logs use the key yourself (principal `logs.<region>.amazonaws.com`, actions
   * `kms:Encrypt*`, `kms:Decrypt*`, `kms:ReEncrypt*`, `kms:GenerateDataKey*`, `kms:Describe*`, condition
   * `kms:EncryptionContext:aws:logs:arn` like `arn:aws:logs:<region>:<account>:log-group:*`), or
   * creating the log groups fails at deployment. Synth warns with the exact statement.
   *
   * @default - S3-managed bucket encryption, an AWS-owned table key, CloudWatch Logs' own encryption
   */
  readonly encryptionKey?: IKey;
}
