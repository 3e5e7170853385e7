import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { BatchFileProcessorProps } from './batch-file-processor-props';
import { OneOfRule } from './contract/environment-variables';
import { HANDLER_DEFAULTS, INPUT_ENCODINGS, InputEncodingName, isCsvDelimiter, LOG_LEVELS, LogLevel } from './contract/handler-environment';
import { validateEmailNotification } from './email-identity';
import { integerIn } from './integer-prop';

/** Memory of the chunk functions when `memorySize` is not given. */
export const DEFAULT_MEMORY_SIZE = 1024;

/**
 * "At 1,769 MB, a function has the equivalent of one vCPU", CPU growing in proportion to memory
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html).
 */
export const LAMBDA_MB_PER_VCPU = 1769;

/**
 * Memory of split-input and merge-chunks when `splitAndMergeMemorySize` is not given: one vCPU.
 * Each is one stream on one thread, so more gives it no more CPU. The benchmark reports the
 * largest run at this size.
 */
export const DEFAULT_SPLIT_AND_MERGE_MEMORY_SIZE = LAMBDA_MB_PER_VCPU;

/** The props with every default filled in, checked. */
export interface ResolvedProps {
  readonly chunkSize: number;
  readonly delimiter: string;
  readonly encoding: InputEncodingName;
  readonly inputPrefix: string;
  readonly outputPrefix: string;
  readonly archivePrefix: string;
  readonly workPrefix: string;
  readonly maxConcurrency: number;
  readonly maxConcurrentRuns: number;
  readonly lambdaConcurrency?: number;
  readonly chunkFunctionsReservedConcurrency?: number;
  readonly toleratedFailurePercentage: number;
  readonly intermediateFileRetentionDays: number;
  readonly rejectedRecordRetentionDays: number;
  readonly linkExpirySeconds: number;
  readonly runTimeout: Duration;
  readonly removalPolicy: RemovalPolicy;
  readonly logLevel: LogLevel;
  readonly logRetention: logs.RetentionDays;
  readonly memorySize: number;
  readonly splitAndMergeMemorySize: number;
}

function wholeDays(name: string, duration: Duration): number {
  const days = duration.toDays({ integral: false });
  return integerIn(name, days, 1, 36_500, ' days');
}

/**
 * The handlers split records byte by byte, so the delimiter must be one byte in UTF-8: an ASCII
 * character (src/contract/handler-environment.ts). `§` is one JavaScript character but two bytes.
 */
function checkDelimiter(delimiter: string): string {
  if (!isCsvDelimiter(delimiter)) {
    throw new Error(`delimiter must be one ASCII character (a single byte in UTF-8) other than '"', CR and LF, got ${JSON.stringify(delimiter)}`);
  }
  return delimiter;
}

/**
 * The four prefixes must be distinct and disjoint: an output written under the input prefix
 * would start another run, forever.
 */
function checkPrefixes(prefixes: { [name: string]: string }): void {
  for (const [name, prefix] of Object.entries(prefixes)) {
    if (prefix.length === 0 || !prefix.endsWith('/') || prefix.startsWith('/')) {
      throw new Error(`${name} must be a non-empty key prefix ending with '/' (not starting with one), got '${prefix}'`);
    }
  }
  for (const [name, prefix] of Object.entries(prefixes)) {
    for (const [otherName, other] of Object.entries(prefixes)) {
      if (name !== otherName && other.startsWith(prefix)) {
        throw new Error(`${name} '${prefix}' must not contain ${otherName} '${other}': each prefix must be disjoint from the others`);
      }
    }
  }
}

/** An enum prop's value as the handlers name it (the enums hold the same values: test/construct/handler-environment.test.ts). */
function oneOfProp<T extends string>(name: string, value: string, allowed: OneOfRule<T>): T {
  if (!allowed.includes(value)) throw new Error(`${name} must be one of ${allowed.values.join(', ')}, got '${value}'`);
  return value;
}

/** A Standard execution may run for up to one year (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html). */
function checkRunTimeout(timeout: Duration): Duration {
  integerIn('runTimeout', timeout.toSeconds({ integral: false }), 1, 365 * 24 * 3600, ' seconds (1 year)');
  return timeout;
}

/**
 * A failed, timed-out or aborted run can be redriven for 14 days after it stopped
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_RedriveExecution.html), and a
 * redrive reads the work files the run wrote, which may be as old as the run: `runTimeout`.
 */
export const REDRIVE_WINDOW_DAYS = 14;

/**
 * The shortest retention of the work files that keeps them for a redrive on the window's last day:
 * the longest run (whole days, rounded up), the redrive window, and a day's margin for the
 * redriven steps themselves and S3 rounding lifecycle ages to midnight UTC.
 */
export function minimumIntermediateFileRetentionDays(runTimeout: Duration): number {
  return Math.ceil(runTimeout.toDays({ integral: false })) + REDRIVE_WINDOW_DAYS + 1;
}

/** An explicit retention shorter than the redrive needs would make late redrives fail on missing files. */
function intermediateFileRetentionDays(retention: Duration | undefined, runTimeout: Duration): number {
  const minimum = minimumIntermediateFileRetentionDays(runTimeout);
  if (retention === undefined) return minimum;
  const days = wholeDays('intermediateFileRetention', retention);
  if (days < minimum) {
    throw new Error(`intermediateFileRetention must be at least ${minimum} days (runTimeout rounded up to whole days, `
      + `${REDRIVE_WINDOW_DAYS} days in which a stopped run can be redriven, and 1 day of margin), got ${days} days`);
  }
  return days;
}

/**
 * The most runs that may hold a turn at once. Their turns, of about 80 bytes each (run id, attempt, deadline),
 * share one DynamoDB item (lambda-src/turns/dynamodb-queue-store.ts): 80 KB at most, within DynamoDB's 400 KB, and
 * each admission and release rewrites it, at a write unit per KB.
 */
export const MAX_CONCURRENT_RUNS = 1_000;

/** A concurrency, when given: Lambda's are whole numbers from 1 (0 would stop a function). */
function optionalInteger(name: string, value: number | undefined): number | undefined {
  return value === undefined ? undefined : integerIn(name, value, 1, 1_000_000);
}

/** Fills in the defaults and throws an error naming the prop and its allowed range for each invalid one. */
export function resolveProps(props: BatchFileProcessorProps): ResolvedProps {
  if (props.bucket && props.bucketProps) {
    throw new Error('bucket and bucketProps are mutually exclusive: pass an existing bucket or props for a new one');
  }
  if (props.email) validateEmailNotification(props.email);

  const prefixes = {
    inputPrefix: props.inputPrefix ?? 'input/',
    outputPrefix: props.outputPrefix ?? HANDLER_DEFAULTS.outputPrefix,
    archivePrefix: props.archivePrefix ?? HANDLER_DEFAULTS.archivePrefix,
    workPrefix: props.workPrefix ?? HANDLER_DEFAULTS.workPrefix,
  };
  checkPrefixes(prefixes);

  const toleratedFailurePercentage = props.toleratedFailurePercentage ?? 0;
  if (!(toleratedFailurePercentage >= 0 && toleratedFailurePercentage <= 100)) {
    throw new Error(`toleratedFailurePercentage must be from 0 to 100, got ${toleratedFailurePercentage}`);
  }
  const linkExpirySeconds = (props.linkExpiry ?? Duration.seconds(HANDLER_DEFAULTS.linkExpirySeconds)).toSeconds();
  // 7 days is the longest a SigV4 presigned URL may be valid.
  integerIn('linkExpiry', linkExpirySeconds, 1, 7 * 24 * 3600, ' seconds (7 days)');

  const runTimeout = checkRunTimeout(props.runTimeout ?? Duration.hours(24));
  return {
    ...prefixes,
    chunkSize: integerIn('chunkSize', props.chunkSize ?? HANDLER_DEFAULTS.chunkSize, 1, 1_000_000),
    delimiter: checkDelimiter(props.delimiter ?? HANDLER_DEFAULTS.delimiter),
    encoding: oneOfProp('encoding', props.encoding ?? HANDLER_DEFAULTS.encoding, INPUT_ENCODINGS),
    maxConcurrency: integerIn('maxConcurrency', props.maxConcurrency ?? 10, 1, 10_000),
    maxConcurrentRuns: integerIn('maxConcurrentRuns', props.maxConcurrentRuns ?? HANDLER_DEFAULTS.maxConcurrentRuns, 1, MAX_CONCURRENT_RUNS),
    lambdaConcurrency: optionalInteger('lambdaConcurrency', props.lambdaConcurrency),
    chunkFunctionsReservedConcurrency: optionalInteger('chunkFunctionsReservedConcurrency', props.chunkFunctionsReservedConcurrency),
    toleratedFailurePercentage,
    intermediateFileRetentionDays: intermediateFileRetentionDays(props.intermediateFileRetention, runTimeout),
    rejectedRecordRetentionDays: wholeDays('rejectedRecordRetention', props.rejectedRecordRetention ?? Duration.days(HANDLER_DEFAULTS.rejectedRecordRetentionDays)),
    linkExpirySeconds,
    runTimeout,
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    logLevel: oneOfProp('logLevel', props.logLevel ?? HANDLER_DEFAULTS.logLevel, LOG_LEVELS),
    logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    memorySize: integerIn('memorySize', props.memorySize ?? DEFAULT_MEMORY_SIZE, 128, 10_240, ' MB'),
    splitAndMergeMemorySize: integerIn('splitAndMergeMemorySize', props.splitAndMergeMemorySize ?? DEFAULT_SPLIT_AND_MERGE_MEMORY_SIZE, 128, 10_240, ' MB'),
  };
}
