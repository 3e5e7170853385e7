/**
 * The environment of each handler: the variables the construct sets (src/batch-file-processor.ts,
 * record-validator.ts, record-enricher.ts encode them) and the handler reads (lambda-src/<name>.ts
 * decode them), with their value rules and defaults. Each name is written here only, so a rename
 * or a changed default reaches both sides (test/construct/handler-contract.test.ts feeds what the
 * construct writes into the handlers' decoding).
 * Nothing here may import aws-cdk-lib: it is bundled into the Lambda handlers.
 */
import {
  allOrNone, BOOLEAN, DecodedBy, EncodedBy, group, oneOf, optional, POSITIVE_INTEGER, required, TEXT, ValueRule, variant, withDefault,
} from './environment-variables';

/** The log levels of the handlers' logger (the construct's `HandlerLogLevel` values). */
export const LOG_LEVELS = oneOf(['debug', 'info', 'warn', 'error'] as const);
export type LogLevel = (typeof LOG_LEVELS.values)[number];

/** The encodings an input may be declared in (the construct's `InputEncoding` values). */
export const INPUT_ENCODINGS = oneOf(['utf-8', 'windows-1252', 'iso-8859-1', 'utf-16le', 'utf-16be'] as const);
export type InputEncodingName = (typeof INPUT_ENCODINGS.values)[number];

/**
 * The defaults the construct's props document and the handlers take for an unset variable.
 * (The input prefix is the construct's alone: no handler reads it.)
 */
export const HANDLER_DEFAULTS = {
  logLevel: 'info' as LogLevel,
  outputPrefix: 'output/',
  archivePrefix: 'archive/',
  workPrefix: 'runs/',
  chunkSize: 1000,
  delimiter: ',',
  encoding: 'utf-8' as InputEncodingName,
  rejectedRecordRetentionDays: 30,
  linkExpirySeconds: 86_400,
  validatorBatchSize: 500,
  enrichConcurrency: 16,
  enrichTimeoutMs: 5_000,
  enrichMaxAttempts: 4,
  enrichLambdaBatchSize: 500,
  /** A Lambda validator's invocations in flight from one validate-chunk invocation: no prop sets it. */
  validatorConcurrency: 4,
  maxConcurrentRuns: 10,
} as const;

/**
 * Whether `delimiter` is one the handlers can split records on: they scan bytes
 * (lambda-src/shared/csv-records.ts), so it must be one byte in UTF-8 (an ASCII character), and
 * not one of the bytes that quote or end a record.
 */
export function isCsvDelimiter(delimiter: string): boolean {
  return delimiter.length === 1 && delimiter.charCodeAt(0) < 0x80 && !['"', '\r', '\n'].includes(delimiter);
}

export const CSV_DELIMITER: ValueRule<string> = {
  expected: 'one ASCII character other than \'"\', CR and LF',
  parse: (text) => (isCsvDelimiter(text) ? text : undefined),
  format: (value) => value,
};

/** Whether `names` lists at least one name and no empty one: the enricher's fields. */
export function isNameList(names: readonly unknown[]): names is string[] {
  return names.length > 0 && names.every((name) => typeof name === 'string' && name !== '');
}

/** A JSON array of names, e.g. `["unitPrice","unitCost"]`. */
export const NAME_LIST: ValueRule<string[]> = {
  expected: 'a JSON array of column names',
  parse: (text) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return undefined;
    }
    return Array.isArray(parsed) && isNameList(parsed) ? parsed : undefined;
  },
  format: (value) => JSON.stringify(value),
};

/** Comma-separated email addresses, blanks ignored. */
export const ADDRESS_LIST: ValueRule<string[]> = {
  expected: 'comma-separated addresses',
  parse: (text) => text.split(',').map((address) => address.trim()).filter((address) => address !== ''),
  format: (value) => value.join(','),
};

// Every handler but the trigger works in the bucket and under the work prefix.
export const LOG_LEVEL = withDefault('LOG_LEVEL', LOG_LEVELS, HANDLER_DEFAULTS.logLevel);
const BUCKET_NAME = required('BUCKET_NAME', TEXT);
export const WORK_PREFIX = withDefault('WORK_PREFIX', TEXT, HANDLER_DEFAULTS.workPrefix);
export const OUTPUT_PREFIX = withDefault('OUTPUT_PREFIX', TEXT, HANDLER_DEFAULTS.outputPrefix);
export const ARCHIVE_PREFIX = withDefault('ARCHIVE_PREFIX', TEXT, HANDLER_DEFAULTS.archivePrefix);
const inTheBucket = { logLevel: LOG_LEVEL, bucket: BUCKET_NAME, workPrefix: WORK_PREFIX };

export const TRIGGER_ENVIRONMENT = group({
  logLevel: LOG_LEVEL,
  stateMachineArn: required('STATE_MACHINE_ARN', TEXT),
});

export const SPLIT_INPUT_ENVIRONMENT = group({
  ...inTheBucket,
  outputPrefix: OUTPUT_PREFIX,
  archivePrefix: ARCHIVE_PREFIX,
  chunkSize: withDefault('CHUNK_SIZE', POSITIVE_INTEGER, HANDLER_DEFAULTS.chunkSize),
  // The run's delimiter: split-input records it in the split result and the run plan, from which
  // every later step takes it (run-payloads.ts, SplitResult).
  delimiter: withDefault('DELIMITER', CSV_DELIMITER, HANDLER_DEFAULTS.delimiter),
  encoding: withDefault('INPUT_ENCODING', INPUT_ENCODINGS, HANDLER_DEFAULTS.encoding),
});

/** The JSON Schema, as JSON text. */
export const RECORD_SCHEMA = required('RECORD_SCHEMA', TEXT);

/** How validate-chunk judges each record (`RecordValidator`). */
export const VALIDATOR = variant('VALIDATOR', {
  'none': group({}),
  'json-schema': group({ schema: RECORD_SCHEMA }),
  'lambda': group({
    functionName: required('VALIDATOR_FUNCTION', TEXT),
    batchSize: withDefault('VALIDATOR_BATCH_SIZE', POSITIVE_INTEGER, HANDLER_DEFAULTS.validatorBatchSize),
  }),
}, 'none');
export type ValidatorSettings = EncodedBy<typeof VALIDATOR>;
export type DecodedValidatorSettings = DecodedBy<typeof VALIDATOR>;

/**
 * Whether the chunk processor enriches (has an EnrichChunk step): validate-chunk hands the valid records
 * to it, and record-rejects and merge-chunks read the enrichment rejects file it always writes.
 */
const ENRICHMENT = withDefault('ENRICHMENT', BOOLEAN, false);

export const VALIDATE_CHUNK_ENVIRONMENT = group({
  ...inTheBucket,
  // The valid records go to enrich-chunk (when true) or straight to the processed chunk.
  enrichment: ENRICHMENT,
  validator: VALIDATOR,
});

export const ENRICH_URL = required('ENRICH_URL', TEXT);
export const ENRICH_FIELDS = optional('ENRICH_FIELDS', NAME_LIST);
const ENRICH_BATCH_SIZE = 'ENRICH_BATCH_SIZE';
const enrichConcurrency = withDefault('ENRICH_CONCURRENCY', POSITIVE_INTEGER, HANDLER_DEFAULTS.enrichConcurrency);

/**
 * Where enrich-chunk finds each record's data (`RecordEnricher`). The Lambda and table sources'
 * own retries are the handler's (lambda-src/shared/retry-policy.ts): they have no setting.
 */
export const ENRICHER = variant('ENRICHER', {
  http: group({
    /** With `{column}` placeholders per record; the URL batches are POSTed to with a batch size. */
    url: ENRICH_URL,
    signWithIam: withDefault('ENRICH_SIGV4', BOOLEAN, false),
    concurrency: enrichConcurrency,
    maxAttempts: withDefault('ENRICH_MAX_ATTEMPTS', POSITIVE_INTEGER, HANDLER_DEFAULTS.enrichMaxAttempts),
    timeoutMs: withDefault('ENRICH_TIMEOUT_MS', POSITIVE_INTEGER, HANDLER_DEFAULTS.enrichTimeoutMs),
    /** Unset: one GET per record. Above 1: POSTed batches. */
    batchSize: optional(ENRICH_BATCH_SIZE, POSITIVE_INTEGER),
    fields: ENRICH_FIELDS,
  }),
  lambda: group({
    functionName: required('ENRICH_FUNCTION', TEXT),
    batchSize: withDefault(ENRICH_BATCH_SIZE, POSITIVE_INTEGER, HANDLER_DEFAULTS.enrichLambdaBatchSize),
    concurrency: enrichConcurrency,
  }),
  table: group({
    tableName: required('ENRICH_TABLE', TEXT),
    keyColumn: required('ENRICH_KEY_COLUMN', TEXT),
    keyAttribute: required('ENRICH_KEY_ATTRIBUTE', TEXT),
    concurrency: enrichConcurrency,
    fields: ENRICH_FIELDS,
  }),
});
export type EnricherSettings = EncodedBy<typeof ENRICHER>;
export type DecodedEnricherSettings = DecodedBy<typeof ENRICHER>;

export const ENRICH_CHUNK_ENVIRONMENT = group({ ...inTheBucket, enricher: ENRICHER });

export const RECORD_REJECTS_ENVIRONMENT = group({
  ...inTheBucket,
  table: required('REJECTS_TABLE', TEXT),
  retentionDays: withDefault('REJECTS_TTL_DAYS', POSITIVE_INTEGER, HANDLER_DEFAULTS.rejectedRecordRetentionDays),
  enrichment: ENRICHMENT,
});

export const MERGE_CHUNKS_ENVIRONMENT = group({ ...inTheBucket, enrichment: ENRICHMENT });

/**
 * A test and diagnosis setting the construct never sets: the handlers that copy whole objects
 * (archive-input, notify's publication) copy in parts above this many bytes, so that a small file
 * takes the path of a file past 5 GiB. Unset: CopyObject's limit (lambda-src/shared/object-copy.ts).
 */
export const COPY_MULTIPART_THRESHOLD = optional('COPY_MULTIPART_THRESHOLD_BYTES', POSITIVE_INTEGER);

/** archive-input copies the upload to the archive key the split result names: no prefix of its own. */
export const ARCHIVE_INPUT_ENVIRONMENT = group({
  logLevel: LOG_LEVEL,
  bucket: BUCKET_NAME,
  copyMultipartThreshold: COPY_MULTIPART_THRESHOLD,
});

export const EMAIL_SENDER = required('EMAIL_SENDER', TEXT);
export const EMAIL_RECIPIENTS = required('EMAIL_RECIPIENTS', ADDRESS_LIST);
/** Unset: SendEmail names no configuration set. */
export const EMAIL_CONFIGURATION_SET = optional('EMAIL_CONFIGURATION_SET', TEXT);

export const NOTIFY_ENVIRONMENT = group({
  ...inTheBucket,
  outputPrefix: OUTPUT_PREFIX,
  eventBusName: required('EVENT_BUS_NAME', TEXT),
  linkExpirySeconds: withDefault('LINK_EXPIRY_SECONDS', POSITIVE_INTEGER, HANDLER_DEFAULTS.linkExpirySeconds),
  copyMultipartThreshold: COPY_MULTIPART_THRESHOLD,
  /** Unset: no email. */
  email: allOrNone({ sender: EMAIL_SENDER, recipients: EMAIL_RECIPIENTS, configurationSet: EMAIL_CONFIGURATION_SET }),
});

/** run-turns keeps the run queue: the table, how many runs may hold a turn, and how long a run may last. */
export const RUN_TURNS_ENVIRONMENT = group({
  logLevel: LOG_LEVEL,
  table: required('RUN_QUEUE_TABLE', TEXT),
  maxConcurrentRuns: withDefault('MAX_CONCURRENT_RUNS', POSITIVE_INTEGER, HANDLER_DEFAULTS.maxConcurrentRuns),
  /** A run's deadline, past which its entry and its turn are dropped; and how long it may wait (run-turns.ts). */
  runTimeoutSeconds: required('RUN_TIMEOUT_SECONDS', POSITIVE_INTEGER),
});

/** Each handler's environment, by the handler's name (its entry point `lambda-src/<name>.ts`). */
export const HANDLER_ENVIRONMENTS = {
  'trigger': TRIGGER_ENVIRONMENT,
  'split-input': SPLIT_INPUT_ENVIRONMENT,
  'validate-chunk': VALIDATE_CHUNK_ENVIRONMENT,
  'enrich-chunk': ENRICH_CHUNK_ENVIRONMENT,
  'record-rejects': RECORD_REJECTS_ENVIRONMENT,
  'merge-chunks': MERGE_CHUNKS_ENVIRONMENT,
  'archive-input': ARCHIVE_INPUT_ENVIRONMENT,
  'notify': NOTIFY_ENVIRONMENT,
  'run-turns': RUN_TURNS_ENVIRONMENT,
};
export type HandlerName = keyof typeof HANDLER_ENVIRONMENTS;

/** Every handler: the one list, which .projenrc.ts bundles too. */
export const HANDLER_NAMES = Object.keys(HANDLER_ENVIRONMENTS) as HandlerName[];
