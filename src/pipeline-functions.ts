import { Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BatchFileProcessorProps } from './batch-file-processor-props';
import { CHUNK_STEP_TIMEOUTS } from './chunk-time-budget';
import { Variables } from './contract/environment-variables';
import {
  ARCHIVE_INPUT_ENVIRONMENT, ENRICH_CHUNK_ENVIRONMENT, EnricherSettings, MERGE_CHUNKS_ENVIRONMENT, NOTIFY_ENVIRONMENT, RECORD_REJECTS_ENVIRONMENT,
  SPLIT_INPUT_ENVIRONMENT, VALIDATE_CHUNK_ENVIRONMENT, ValidatorSettings,
} from './contract/handler-environment';
import { emailConfigurationSetArns, emailIdentityArns } from './email-identity';
import { HandlerFunction, HandlerFunctionProps } from './handler-function';
import { invocationsPerChunk } from './lambda-concurrency';
import { grantListUnder, grantObjectDelete, grantObjectRead, grantObjectWrite } from './object-grants';
import { ResolvedProps } from './resolved-props';

export interface PipelineFunctionsProps extends Pick<BatchFileProcessorProps, 'validator' | 'enrichment' | 'email' | 'encryptionKey'> {
  readonly config: ResolvedProps;
  readonly bucket: s3.IBucket;
  readonly rejectedRecordsTable: dynamodb.ITable;
  readonly eventBus: events.IEventBus;
}

/**
 * The handlers of a run's steps (the trigger, which starts runs, is src/run-trigger.ts), each created
 * with exactly the grants its calls need.
 *
 * Not a construct of its own: the functions are created in the processor's scope, so their construct
 * paths, and the logical IDs made from them, stay those deployed stacks have.
 */
export class PipelineFunctions {
  public readonly split: lambda.Function;
  public readonly validate: lambda.Function;
  /** Only when enrichment is configured. */
  public readonly enrich?: lambda.Function;
  public readonly recordRejects: lambda.Function;
  public readonly merge: lambda.Function;
  public readonly archive: lambda.Function;
  public readonly notify: lambda.Function;
  /** The most Lambda invocations one chunk execution has in flight (src/lambda-concurrency.ts). */
  public readonly invocationsPerChunk: number;

  private readonly scope: Construct;
  private readonly props: PipelineFunctionsProps;
  /** The objects under each prefix, as the grants name them. */
  private readonly objects: { readonly input: string; readonly work: string; readonly output: string; readonly archive: string };
  /**
   * What every handler but the trigger and archive-input is told: each handler's environment is encoded by its
   * definition in src/contract/handler-environment.ts, which the handler decodes.
   */
  private readonly inTheBucket: { readonly logLevel: ResolvedProps['logLevel']; readonly bucket: string; readonly workPrefix: string };
  /** What the validator and the enricher were bound to: how validate-chunk and enrich-chunk call them. */
  private validatorSettings: ValidatorSettings = { kind: 'none' };
  private enricherSettings?: EnricherSettings;

  constructor(scope: Construct, props: PipelineFunctionsProps) {
    this.scope = scope;
    this.props = props;
    const { config } = props;
    this.objects = {
      input: `${config.inputPrefix}*`,
      work: `${config.workPrefix}*`,
      output: `${config.outputPrefix}*`,
      archive: `${config.archivePrefix}*`,
    };
    this.inTheBucket = { logLevel: config.logLevel, bucket: props.bucket.bucketName, workPrefix: config.workPrefix };

    this.split = this.createSplitInput();
    this.validate = this.createValidateChunk();
    this.enrich = this.createEnrichChunk();
    this.recordRejects = this.createRecordRejects();
    this.merge = this.createMergeChunks();
    this.archive = this.createArchiveInput();
    this.notify = this.createNotify();
    this.invocationsPerChunk = invocationsPerChunk(config.chunkSize, this.validatorSettings, this.enricherSettings);
  }

  /**
   * Lets notify read the history of the runs (whose execution ARNs start with `runExecutions`), to name the step
   * that failed. Given once the orchestrator, which is built from these functions, exists. A policy of its own:
   * in the function's default policy, the orchestrator (which invokes notify) would depend on itself.
   */
  public grantNotifyRunHistory(runExecutions: string): void {
    new iam.Policy(this.scope, 'NotifyExecutionHistoryPolicy', {
      roles: [this.notify.role!],
      statements: [new iam.PolicyStatement({ actions: ['states:GetExecutionHistory'], resources: [`${runExecutions}*`] })],
    });
  }

  /** Reads the upload; writes chunks, manifest and run plan. */
  private createSplitInput(): lambda.Function {
    const { config, bucket } = this.props;
    const fn = this.handler('SplitInput', {
      memorySize: config.splitAndMergeMemorySize,
      handlerName: 'split-input',
      description: 'Splits an uploaded CSV file into chunk files and a manifest',
      timeout: Duration.minutes(15),
      environment: SPLIT_INPUT_ENVIRONMENT.encode({
        ...this.inTheBucket,
        outputPrefix: config.outputPrefix,
        archivePrefix: config.archivePrefix,
        chunkSize: config.chunkSize,
        delimiter: config.delimiter,
        encoding: config.encoding,
      }),
    });
    grantObjectRead(bucket, fn, this.objects.input, { versions: true });
    grantObjectWrite(bucket, fn, this.objects.work);
    return fn;
  }

  /** Reads a chunk; writes the valid records and the validation rejects. */
  private createValidateChunk(): lambda.Function {
    const { config, bucket, validator, enrichment } = this.props;
    const fn = this.chunkHandler('ValidateChunk', {
      memorySize: config.memorySize,
      handlerName: 'validate-chunk',
      description: 'Validates the records of one chunk',
      timeout: CHUNK_STEP_TIMEOUTS.validate,
      environment: {},
    });
    // The validator's settings once it has granted the function what it calls.
    if (validator) this.validatorSettings = validator._bind(this.scope, { grantee: fn });
    addEnvironment(fn, VALIDATE_CHUNK_ENVIRONMENT.encode({
      ...this.inTheBucket,
      enrichment: enrichment !== undefined,
      validator: this.validatorSettings,
    }));
    grantObjectRead(bucket, fn, this.objects.work);
    grantObjectWrite(bucket, fn, this.objects.work);
    return fn;
  }

  /** When enrichment is configured: reads the valid records; writes the processed chunk and the enrichment rejects. */
  private createEnrichChunk(): lambda.Function | undefined {
    const { config, bucket, enrichment } = this.props;
    if (!enrichment) return undefined;
    const fn = this.chunkHandler('EnrichChunk', {
      memorySize: config.memorySize,
      handlerName: 'enrich-chunk',
      description: 'Enriches the valid records of one chunk',
      // The chunk processor's time budget (src/chunk-time-budget.ts) gives enrichment the most.
      timeout: CHUNK_STEP_TIMEOUTS.enrich,
      environment: {},
    });
    this.enricherSettings = enrichment._bind(this.scope, { grantee: fn });
    addEnvironment(fn, ENRICH_CHUNK_ENVIRONMENT.encode({ ...this.inTheBucket, enricher: this.enricherSettings }));
    grantObjectRead(bucket, fn, this.objects.work);
    grantObjectWrite(bucket, fn, this.objects.work);
    return fn;
  }

  /**
   * Reads the chunk's rejects files (the enrichment one when enrichment is configured: both always written
   * by then, so nothing is probed or listed); writes the table.
   */
  private createRecordRejects(): lambda.Function {
    const { config, bucket, rejectedRecordsTable, enrichment, encryptionKey } = this.props;
    const fn = this.chunkHandler('RecordRejects', {
      memorySize: config.memorySize,
      handlerName: 'record-rejects',
      description: 'Stores the rejected records of one chunk in the rejected-records table',
      timeout: CHUNK_STEP_TIMEOUTS.recordRejects,
      environment: RECORD_REJECTS_ENVIRONMENT.encode({
        ...this.inTheBucket,
        table: rejectedRecordsTable.tableName,
        retentionDays: config.rejectedRecordRetentionDays,
        enrichment: enrichment !== undefined,
      }),
    });
    grantObjectRead(bucket, fn, this.objects.work);
    // Only the write the handler makes, not grantWriteData's PutItem/UpdateItem/DeleteItem.
    rejectedRecordsTable.grant(fn, 'dynamodb:BatchWriteItem');
    encryptionKey?.grantEncryptDecrypt(fn);
    return fn;
  }

  /**
   * Reads the processed chunks and rejects files of the chunks that succeeded (the Map's results say which;
   * each step always writes its files) and the chunk files of those that failed; uploads output and rejects
   * in parts.
   */
  private createMergeChunks(): lambda.Function {
    const { config, bucket, enrichment } = this.props;
    const fn = this.handler('MergeChunks', {
      memorySize: config.splitAndMergeMemorySize,
      handlerName: 'merge-chunks',
      description: 'Merges the processed chunks into one output file and one rejects file',
      timeout: Duration.minutes(15),
      environment: MERGE_CHUNKS_ENVIRONMENT.encode({ ...this.inTheBucket, enrichment: enrichment !== undefined }),
    });
    // Merge stages the output and the rejects under the work prefix (in parts); notify publishes them.
    grantObjectRead(bucket, fn, this.objects.work);
    grantObjectWrite(bucket, fn, this.objects.work, { multipart: true });
    // Chunks the Map's manifest leaves out (a redrive's results may list only the redriven children) are looked
    // for in the run's other Map Run results: a listing of `<work>/<runId>/map-results/`, nothing wider
    // (lambda-src/merge/map-results.ts).
    grantListUnder(bucket, fn, `${config.workPrefix}*/map-results/`);
    return fn;
  }

  /**
   * Copies the upload (its version, with its tags) under the archive prefix, in parts past 5 GiB (HEAD, then
   * CopyObject or GetObjectTagging + a multipart copy). A retry whose copy is refused or finds no input lists
   * both keys: the input gone and its archive there is archived.
   */
  private createArchiveInput(): lambda.Function {
    const { config, bucket } = this.props;
    const fn = this.handler('ArchiveInput', {
      handlerName: 'archive-input',
      description: 'Archives the processed input under the archive prefix',
      memorySize: 256,
      // The copy is S3's (server-side); a multi-gigabyte one takes minutes.
      timeout: Duration.minutes(15),
      environment: ARCHIVE_INPUT_ENVIRONMENT.encode({ logLevel: config.logLevel, bucket: bucket.bucketName }),
    });
    grantObjectRead(bucket, fn, this.objects.input, { versions: true, tags: true });
    grantListUnder(bucket, fn, config.inputPrefix);
    grantObjectWrite(bucket, fn, this.objects.archive, { multipart: true, tags: true });
    grantListUnder(bucket, fn, config.archivePrefix);
    return fn;
  }

  /**
   * On success publishes the staged output (copies it from the work prefix, in parts past 5 GiB), removes the
   * input, writes the summary, presigns links to (so reads) the output; on failure reads the run plan (maybe
   * missing: listed first) and the failed chunks' records, lists and deletes a published output, names the
   * failed step (grantNotifyRunHistory). Both email (see emailIdentityArns for the identities) and put the run event.
   */
  private createNotify(): lambda.Function {
    const { config, bucket, eventBus, email } = this.props;
    const fn = this.handler('Notify', {
      handlerName: 'notify',
      description: 'Publishes a run\'s output or reports its failure: summary, email and run event',
      memorySize: 256,
      // Publishing copies the output server-side; a multi-gigabyte copy takes minutes.
      timeout: Duration.minutes(15),
      environment: NOTIFY_ENVIRONMENT.encode({
        ...this.inTheBucket,
        outputPrefix: config.outputPrefix,
        eventBusName: eventBus.eventBusName,
        linkExpirySeconds: config.linkExpirySeconds,
        email: email && { sender: email.sender, recipients: email.recipients, configurationSet: email.configurationSetName },
      }),
    });
    grantObjectRead(bucket, fn, this.objects.work);
    grantListUnder(bucket, fn, config.workPrefix);
    grantObjectRead(bucket, fn, this.objects.output);
    grantListUnder(bucket, fn, config.outputPrefix);
    grantObjectWrite(bucket, fn, this.objects.output, { multipart: true });
    grantObjectDelete(bucket, fn, this.objects.output);
    grantObjectDelete(bucket, fn, this.objects.input);
    eventBus.grantPutEventsTo(fn);
    if (email) {
      fn.addToRolePolicy(new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [...emailIdentityArns(this.scope, email), ...emailConfigurationSetArns(this.scope, email)],
      }));
    }
    return fn;
  }

  /** A function of the chunk processor's steps, with the reserved concurrency asked for them. */
  private chunkHandler(id: string, props: Omit<HandlerFunctionProps, 'logRetention' | 'removalPolicy' | 'encryptionKey'>): HandlerFunction {
    return this.handler(id, { ...props, reservedConcurrentExecutions: this.props.config.chunkFunctionsReservedConcurrency });
  }

  private handler(id: string, props: Omit<HandlerFunctionProps, 'logRetention' | 'removalPolicy' | 'encryptionKey'>): HandlerFunction {
    const { config, encryptionKey } = this.props;
    return new HandlerFunction(this.scope, id, {
      ...props,
      logRetention: config.logRetention,
      removalPolicy: config.removalPolicy,
      encryptionKey,
    });
  }
}

function addEnvironment(fn: lambda.Function, environment: Variables): void {
  for (const [name, value] of Object.entries(environment)) fn.addEnvironment(name, value);
}
