import { ArnFormat, Duration, Fn, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BatchFileProcessorProps } from './batch-file-processor-props';
import { createChunkProcessor } from './chunk-processor';
import { CHUNK_STEP_TIMEOUTS } from './chunk-time-budget';
import { Variables } from './contract/environment-variables';
import {
  ARCHIVE_INPUT_ENVIRONMENT, ENRICH_CHUNK_ENVIRONMENT, MERGE_CHUNKS_ENVIRONMENT, NOTIFY_ENVIRONMENT, RECORD_REJECTS_ENVIRONMENT,
  SPLIT_INPUT_ENVIRONMENT, TRIGGER_ENVIRONMENT,
  VALIDATE_CHUNK_ENVIRONMENT,
} from './contract/handler-environment';
import { PROCESSOR_METADATA_TYPE, ProcessorMetadata } from './contract/processor-metadata';
import { RUN_EVENT_SOURCE, RUN_FAILED_DETAIL_TYPE, RUN_SUCCEEDED_DETAIL_TYPE } from './contract/run-events';
import { emailConfigurationSetArns, emailIdentityArns } from './email-identity';
import { HandlerFunction, HandlerFunctionProps } from './handler-function';
import { warnIfImportedBucketHasNoKey } from './imported-bucket-key';
import { allowLogsToUseKey } from './log-encryption-key';
import { grantListUnder, grantObjectDelete, grantObjectRead, grantObjectWrite } from './object-grants';
import { createOrchestrator } from './orchestrator';
import { ResolvedProps, resolveProps } from './resolved-props';
import { createRunAlarms } from './run-alarms';
import { createRunDashboard } from './run-dashboard';
import { reportRunFailures } from './run-failure-reporting';
import { unsuccessfulRunsMetric } from './run-metrics';
import { stateMachineLogGroup } from './state-machine-logging';

/**
 * A serverless pipeline for CSV files: upload `orders.csv` under the input prefix of the bucket and
 * it is split into chunks, each record is validated and enriched, and one output file (in input order),
 * one rejects file (line, original fields, reasons) and a summary are written under
 * `<outputPrefix><runId>/`; rejected records are also stored in a DynamoDB table. The input is then
 * moved under the archive prefix, and the recipients are emailed the counts and links.
 *
 * A failure at any step ends the run with a failure email and summary; no partial output is published
 * and the input stays where it was uploaded.
 *
 * What you must do: verify the email sender (and, in the SES sandbox, the recipients) in SES, or
 * request SES production access; see docs/email-setup.md.
 */
export class BatchFileProcessor extends Construct {
  /** The bucket that holds inputs, intermediate files and outputs. */
  public readonly bucket: s3.IBucket;
  /** The Standard state machine that runs once per uploaded file. */
  public readonly orchestrator: sfn.StateMachine;
  /** The Express state machine that processes one chunk. */
  public readonly chunkProcessor: sfn.StateMachine;
  /** Rejected records, keyed by `runId` and `line`, expiring after `rejectedRecordRetention`. */
  public readonly rejectedRecordsTable: dynamodb.Table;
  /** The function that S3 invokes for each upload, and that starts the orchestrator. */
  public readonly triggerFunction: lambda.Function;
  /**
   * Where S3 events the trigger function failed to handle (after retries) are kept, for 14 days;
   * encrypted with `encryptionKey` when one is given, else with SQS-managed keys.
   */
  public readonly triggerDeadLetterQueue: sqs.IQueue;
  /** The function that splits the input into chunks. */
  public readonly splitFunction: lambda.Function;
  /** The function that validates a chunk. */
  public readonly validateFunction: lambda.Function;
  /** The function that enriches a chunk; undefined when no enrichment is configured. */
  public readonly enrichFunction?: lambda.Function;
  /** The function that stores a chunk's rejected records in the table. */
  public readonly recordRejectsFunction: lambda.Function;
  /** The function that merges the chunks into the output and rejects files. */
  public readonly mergeFunction: lambda.Function;
  /** The function that copies a processed input under the archive prefix (in parts past 5 GiB). */
  public readonly archiveFunction: lambda.Function;
  /** The function that writes the run summary and sends the email. */
  public readonly notifyFunction: lambda.Function;
  /** The event bus each finished run's event is put on. */
  public readonly eventBus: events.IEventBus;
  /** The rule that sends the orchestrator's FAILED, TIMED_OUT and ABORTED status changes to the notify function. */
  public readonly runFailedRule: events.Rule;
  /**
   * Where a failure report that was not made is kept, for 14 days: an event EventBridge could not deliver to the
   * notify function (the message is the event), or one notify failed on past Lambda's two retries (its on-failure
   * destination: the message is Lambda's invocation record, the event in `requestPayload`).
   */
  public readonly failureReportDeadLetterQueue: sqs.IQueue;
  /** The orchestrator's execution log. */
  public readonly orchestratorLogGroup: logs.ILogGroup;
  /** The chunk processor's execution log (errors only). */
  public readonly chunkProcessorLogGroup: logs.ILogGroup;
  /** The processor's CloudWatch alarms (none when `alarms` is false). They have no actions: add yours. */
  public readonly alarms: cloudwatch.Alarm[];
  /** The processor's CloudWatch dashboard, when `dashboard` is true. */
  public readonly dashboard?: cloudwatch.Dashboard;
  /** Where uploads start a run. */
  public readonly inputPrefix: string;
  /** Where each run's output, rejects and summary are published, under `<outputPrefix><runId>/`. */
  public readonly outputPrefix: string;
  /** Where inputs are archived once their run succeeded. */
  public readonly archivePrefix: string;
  /** Where each run's intermediate files are written. */
  public readonly workPrefix: string;

  constructor(scope: Construct, id: string, props: BatchFileProcessorProps = {}) {
    super(scope, id);
    const config = resolveProps(props);
    this.inputPrefix = config.inputPrefix;
    this.outputPrefix = config.outputPrefix;
    this.archivePrefix = config.archivePrefix;
    this.workPrefix = config.workPrefix;
    const key = props.encryptionKey;
    if (key) allowLogsToUseKey(this, key);

    if (props.bucket) warnIfImportedBucketHasNoKey(this, props.bucket, key);
    this.bucket = props.bucket ?? this.createBucket(props, config);
    this.eventBus = props.eventBus ?? events.EventBus.fromEventBusName(this, 'DefaultEventBus', 'default');
    this.rejectedRecordsTable = new dynamodb.Table(this, 'RejectedRecords', {
      partitionKey: { name: 'runId', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'line', type: dynamodb.AttributeType.NUMBER },
      timeToLiveAttribute: 'expiresAt',
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: key ? dynamodb.TableEncryption.CUSTOMER_MANAGED : dynamodb.TableEncryption.AWS_MANAGED,
      encryptionKey: key,
      removalPolicy: config.removalPolicy,
    });

    const handler = (handlerId: string, handlerProps: HandlerProps) => new HandlerFunction(this, handlerId, {
      ...handlerProps,
      logRetention: config.logRetention,
      removalPolicy: config.removalPolicy,
      encryptionKey: key,
    });
    const perChunk = { memorySize: config.memorySize };
    const wholeFile = { memorySize: config.splitAndMergeMemorySize };
    const inputObjects = `${config.inputPrefix}*`;
    const workObjects = `${config.workPrefix}*`;
    const outputObjects = `${config.outputPrefix}*`;
    // What every handler but the trigger is told: each handler's environment is encoded by its
    // definition in src/contract/handler-environment.ts, which the handler decodes.
    const inTheBucket = { logLevel: config.logLevel, bucket: this.bucket.bucketName, workPrefix: config.workPrefix };
    const archiveObjects = `${config.archivePrefix}*`;

    // split-input: reads the upload; writes chunks, manifest and run plan.
    this.splitFunction = handler('SplitInput', {
      ...wholeFile,
      handlerName: 'split-input',
      description: 'Splits an uploaded CSV file into chunk files and a manifest',
      timeout: Duration.minutes(15),
      environment: SPLIT_INPUT_ENVIRONMENT.encode({
        ...inTheBucket,
        outputPrefix: config.outputPrefix,
        archivePrefix: config.archivePrefix,
        chunkSize: config.chunkSize,
        delimiter: config.delimiter,
        encoding: config.encoding,
      }),
    });
    grantObjectRead(this.bucket, this.splitFunction, inputObjects, { versions: true });
    grantObjectWrite(this.bucket, this.splitFunction, workObjects);

    // validate-chunk: reads a chunk; writes the valid records and the validation rejects.
    const validate = handler('ValidateChunk', {
      ...perChunk,
      handlerName: 'validate-chunk',
      description: 'Validates the records of one chunk',
      timeout: CHUNK_STEP_TIMEOUTS.validate,
      environment: {},
    });
    // The validator's settings once it has granted the function what it calls.
    addEnvironment(validate, VALIDATE_CHUNK_ENVIRONMENT.encode({
      ...inTheBucket,
      enrichment: props.enrichment !== undefined,
      validator: props.validator?._bind(this, { grantee: validate }) ?? { kind: 'none' },
    }));
    grantObjectRead(this.bucket, validate, workObjects);
    grantObjectWrite(this.bucket, validate, workObjects);
    this.validateFunction = validate;

    // enrich-chunk: reads the valid records; writes the processed chunk and the enrichment rejects.
    let enrich: HandlerFunction | undefined;
    if (props.enrichment) {
      enrich = handler('EnrichChunk', {
        ...perChunk,
        handlerName: 'enrich-chunk',
        description: 'Enriches the valid records of one chunk',
        // The chunk processor's time budget (src/chunk-time-budget.ts) gives enrichment the most.
        timeout: CHUNK_STEP_TIMEOUTS.enrich,
        environment: {},
      });
      addEnvironment(enrich, ENRICH_CHUNK_ENVIRONMENT.encode({ ...inTheBucket, enricher: props.enrichment._bind(this, { grantee: enrich }) }));
      grantObjectRead(this.bucket, enrich, workObjects);
      grantObjectWrite(this.bucket, enrich, workObjects);
      this.enrichFunction = enrich;
    }

    // record-rejects: reads the chunk's rejects files (the enrichment one when enrichment is configured:
    // both always written by then, so nothing is probed or listed); writes the table.
    const recordRejects = handler('RecordRejects', {
      ...perChunk,
      handlerName: 'record-rejects',
      description: 'Stores the rejected records of one chunk in the rejected-records table',
      timeout: CHUNK_STEP_TIMEOUTS.recordRejects,
      environment: RECORD_REJECTS_ENVIRONMENT.encode({
        ...inTheBucket,
        table: this.rejectedRecordsTable.tableName,
        retentionDays: config.rejectedRecordRetentionDays,
        enrichment: props.enrichment !== undefined,
      }),
    });
    grantObjectRead(this.bucket, recordRejects, workObjects);
    // Only the write the handler makes, not grantWriteData's PutItem/UpdateItem/DeleteItem.
    this.rejectedRecordsTable.grant(recordRejects, 'dynamodb:BatchWriteItem');
    key?.grantEncryptDecrypt(recordRejects);
    this.recordRejectsFunction = recordRejects;

    // merge-chunks: reads the processed chunks and rejects files of the chunks that succeeded (the Map's
    // results say which; each step always writes its files) and the chunk files of those that failed;
    // uploads output and rejects in parts.
    this.mergeFunction = handler('MergeChunks', {
      ...wholeFile,
      handlerName: 'merge-chunks',
      description: 'Merges the processed chunks into one output file and one rejects file',
      timeout: Duration.minutes(15),
      environment: MERGE_CHUNKS_ENVIRONMENT.encode({ ...inTheBucket, enrichment: props.enrichment !== undefined }),
    });
    // Merge stages the output and the rejects under the work prefix (in parts); notify publishes them.
    grantObjectRead(this.bucket, this.mergeFunction, workObjects);
    grantObjectWrite(this.bucket, this.mergeFunction, workObjects, { multipart: true });
    // Chunks the Map's manifest leaves out (a redrive's results may list only the redriven children) are looked
    // for in the run's other Map Run results: a listing of `<work>/<runId>/map-results/`, nothing wider
    // (lambda-src/merge/map-results.ts).
    grantListUnder(this.bucket, this.mergeFunction, `${config.workPrefix}*/map-results/`);

    // archive-input: copies the upload (its version, with its tags) under the archive prefix, in parts
    // past 5 GiB (HEAD, then CopyObject or GetObjectTagging + a multipart copy). A retry whose copy is
    // refused or finds no input lists both keys: the input gone and its archive there is archived.
    this.archiveFunction = handler('ArchiveInput', {
      handlerName: 'archive-input',
      description: 'Archives the processed input under the archive prefix',
      memorySize: 256,
      // The copy is S3's (server-side); a multi-gigabyte one takes minutes.
      timeout: Duration.minutes(15),
      environment: ARCHIVE_INPUT_ENVIRONMENT.encode({ logLevel: config.logLevel, bucket: this.bucket.bucketName }),
    });
    grantObjectRead(this.bucket, this.archiveFunction, inputObjects, { versions: true, tags: true });
    grantListUnder(this.bucket, this.archiveFunction, config.inputPrefix);
    grantObjectWrite(this.bucket, this.archiveFunction, archiveObjects, { multipart: true, tags: true });
    grantListUnder(this.bucket, this.archiveFunction, config.archivePrefix);

    // notify: on success publishes the staged output (copies it from the work prefix, in parts past 5 GiB), removes the
    // input, writes the summary, presigns links to (so reads) the output; on failure reads the run
    // plan (maybe missing: listed first) and the failed chunks' records, lists and deletes a published
    // output, names the failed step. Both email (see emailIdentityArns for the identities) and put the run event.
    this.notifyFunction = handler('Notify', {
      handlerName: 'notify',
      description: 'Publishes a run\'s output or reports its failure: summary, email and run event',
      memorySize: 256,
      // Publishing copies the output server-side; a multi-gigabyte copy takes minutes.
      timeout: Duration.minutes(15),
      environment: NOTIFY_ENVIRONMENT.encode({
        ...inTheBucket,
        outputPrefix: config.outputPrefix,
        eventBusName: this.eventBus.eventBusName,
        linkExpirySeconds: config.linkExpirySeconds,
        email: props.email && { sender: props.email.sender, recipients: props.email.recipients, configurationSet: props.email.configurationSetName },
      }),
    });
    grantObjectRead(this.bucket, this.notifyFunction, workObjects);
    grantListUnder(this.bucket, this.notifyFunction, config.workPrefix);
    grantObjectRead(this.bucket, this.notifyFunction, outputObjects);
    grantListUnder(this.bucket, this.notifyFunction, config.outputPrefix);
    grantObjectWrite(this.bucket, this.notifyFunction, outputObjects, { multipart: true });
    grantObjectDelete(this.bucket, this.notifyFunction, outputObjects);
    grantObjectDelete(this.bucket, this.notifyFunction, inputObjects);
    this.eventBus.grantPutEventsTo(this.notifyFunction);
    if (props.email) {
      this.notifyFunction.addToRolePolicy(new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [...emailIdentityArns(this, props.email), ...emailConfigurationSetArns(this, props.email)],
      }));
    }

    this.chunkProcessorLogGroup = stateMachineLogGroup(this, 'ChunkProcessorLogs', { ...config, encryptionKey: key });
    this.chunkProcessor = createChunkProcessor(this, {
      validateFunction: validate,
      enrichFunction: enrich,
      recordRejectsFunction: recordRejects,
      logGroup: this.chunkProcessorLogGroup,
      bucket: this.bucket,
      workPrefix: config.workPrefix,
    });

    this.orchestratorLogGroup = stateMachineLogGroup(this, 'OrchestratorLogs', { ...config, encryptionKey: key });
    this.orchestrator = createOrchestrator(this, {
      ...config,
      bucket: this.bucket,
      splitFunction: this.splitFunction,
      mergeFunction: this.mergeFunction,
      archiveFunction: this.archiveFunction,
      notifyFunction: this.notifyFunction,
      chunkProcessor: this.chunkProcessor,
      logGroup: this.orchestratorLogGroup,
    });

    // What failed shows in the execution's history: notify names the step. A policy of its own:
    // in the function's default policy, the orchestrator (which invokes notify) would depend on itself.
    new iam.Policy(this, 'NotifyExecutionHistoryPolicy', {
      roles: [this.notifyFunction.role!],
      statements: [new iam.PolicyStatement({
        actions: ['states:GetExecutionHistory'],
        resources: [Stack.of(this).formatArn({
          service: 'states',
          resource: 'execution',
          resourceName: `${Fn.select(6, Fn.split(':', this.orchestrator.stateMachineArn))}:*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        })],
      })],
    });
    const failureReporting = reportRunFailures(this, { orchestrator: this.orchestrator, notifyFunction: this.notifyFunction, encryptionKey: key });
    this.runFailedRule = failureReporting.rule;
    this.failureReportDeadLetterQueue = failureReporting.deadLetterQueue;

    // trigger: starts one orchestrator execution per upload; S3 invokes it asynchronously,
    // so failures after Lambda's retries land in the dead-letter queue instead of vanishing.
    this.triggerDeadLetterQueue = new sqs.Queue(this, 'TriggerDeadLetterQueue', {
      ...key ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key } : { encryption: sqs.QueueEncryption.SQS_MANAGED },
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const trigger = handler('Trigger', {
      handlerName: 'trigger',
      description: 'Starts the orchestrator for each CSV file uploaded under the input prefix',
      memorySize: 256,
      timeout: Duration.seconds(30),
      environment: TRIGGER_ENVIRONMENT.encode({ logLevel: config.logLevel, stateMachineArn: this.orchestrator.stateMachineArn }),
      deadLetterQueue: this.triggerDeadLetterQueue,
      retryAttempts: 2,
    });
    this.orchestrator.grantStartExecution(trigger);
    // Lambda sends an event that failed its retries to the dead-letter queue with the function's
    // execution role (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html#invocation-dlq);
    // CDK grants it sqs:SendMessage only. A producer of a KMS-encrypted queue also needs
    // kms:GenerateDataKey and kms:Decrypt on its key
    // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html).
    key?.grant(trigger, 'kms:GenerateDataKey', 'kms:Decrypt');
    this.triggerFunction = trigger;
    // A filter has at most one suffix rule, so each suffix gets a notification of its own. S3 matches
    // suffixes case-sensitively, while the trigger accepts any case: the lower- and upper-case spellings
    // are filtered both (a mixed-case `.Csv` still starts nothing). None of the four ends with another,
    // so they do not overlap, which S3 would refuse:
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html
    for (const suffix of INPUT_SUFFIXES) {
      this.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(trigger), { prefix: config.inputPrefix, suffix });
    }

    const deadLetterQueues = { TriggerDeadLetterQueue: this.triggerDeadLetterQueue, FailureReportDeadLetterQueue: this.failureReportDeadLetterQueue };
    // S3 invokes the trigger, and EventBridge notify, asynchronously.
    const asyncFunctions = { Trigger: trigger, Notify: this.notifyFunction };
    this.alarms = (props.alarms ?? true)
      ? createRunAlarms(this, { orchestrator: this.orchestrator, chunkProcessor: this.chunkProcessor, deadLetterQueues, asyncFunctions })
      : [];
    if (props.dashboard) this.dashboard = createRunDashboard(this, { orchestrator: this.orchestrator, chunkProcessor: this.chunkProcessor });
    // How `batch-file-processor local` finds this processor in the synthesized app (src/contract/processor-metadata.ts).
    this.node.addMetadata(PROCESSOR_METADATA_TYPE, {
      bucketName: this.bucket.bucketName,
      triggerFunctionName: trigger.functionName,
      orchestratorArn: this.orchestrator.stateMachineArn,
      rejectedRecordsTableName: this.rejectedRecordsTable.tableName,
      inputPrefix: config.inputPrefix,
      outputPrefix: config.outputPrefix,
      chunkSize: config.chunkSize,
    } satisfies ProcessorMetadata);
  }

  /**
   * A rule for the event each successful run puts on the processor's event bus
   * (source `cdk-batch-file-processor`, detail-type `Batch Run Succeeded`; detail: run id,
   * execution ARN, bucket, input, output, rejects and summary keys, record counts).
   */
  public onRunSucceeded(id: string, options: events.OnEventOptions = {}): events.Rule {
    return this.runEventRule(id, RUN_SUCCEEDED_DETAIL_TYPE, options);
  }

  /**
   * A rule for the event each run that failed, timed out or was aborted puts on the processor's
   * event bus (source `cdk-batch-file-processor`, detail-type `Batch Run Failed`; detail: run id,
   * execution ARN, bucket, input and summary keys, error code and message).
   */
  public onRunFailed(id: string, options: events.OnEventOptions = {}): events.Rule {
    return this.runEventRule(id, RUN_FAILED_DETAIL_TYPE, options);
  }

  /** Runs that succeeded: the orchestrator's succeeded executions. @default - sum over 5 minutes */
  public metricRunsSucceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.orchestrator.metricSucceeded({ statistic: cloudwatch.Stats.SUM, ...props });
  }

  /** Runs that failed, timed out or were aborted. @default - sum over 5 minutes */
  public metricRunsFailed(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return unsuccessfulRunsMetric(this.orchestrator, props);
  }

  /** How long runs take, upload to summary (the orchestrator's ExecutionTime, ms). @default - average over 5 minutes */
  public metricRunDuration(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.orchestrator.metricTime(props);
  }

  /**
   * Lets `grantee` upload files that start runs: put objects under the input prefix (in parts too,
   * as `aws s3 cp` does for large files), and encrypt with the bucket's key when it has one.
   */
  public grantUpload(grantee: iam.IGrantable): iam.Grant {
    return grantObjectWrite(this.bucket, grantee, `${this.inputPrefix}*`, { multipart: true });
  }

  /**
   * Lets `grantee` list and read only what runs publish under the output prefix (outputs, rejects,
   * summaries), and decrypt with the bucket's key when it has one.
   */
  public grantReadOutput(grantee: iam.IGrantable): iam.Grant {
    return grantObjectRead(this.bucket, grantee, `${this.outputPrefix}*`).combine(grantListUnder(this.bucket, grantee, this.outputPrefix));
  }

  /**
   * Lets `grantee` redrive runs of this processor that failed, timed out or were aborted
   * (`aws stepfunctions redrive-execution --execution-arn <arn>`, within 14 days).
   */
  public grantRedrive(grantee: iam.IGrantable): iam.Grant {
    return this.orchestrator.grantExecution(grantee, 'states:RedriveExecution');
  }

  private runEventRule(id: string, detailType: string, options: events.OnEventOptions): events.Rule {
    const stack = Stack.of(this);
    // This processor's runs only: several processors may share a bus.
    const executions = stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${Fn.select(6, Fn.split(':', this.orchestrator.stateMachineArn))}:`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const rule = new events.Rule(this, id, {
      eventBus: this.eventBus,
      description: options.description,
      ruleName: options.ruleName,
      crossStackScope: options.crossStackScope,
    });
    rule.addEventPattern({ source: [RUN_EVENT_SOURCE], detailType: [detailType], detail: { executionArn: [{ prefix: executions }] } });
    rule.addEventPattern(options.eventPattern);
    if (options.target) rule.addTarget(options.target);
    return rule;
  }

  private createBucket(props: BatchFileProcessorProps, config: ResolvedProps): s3.Bucket {
    const key = props.encryptionKey;
    return new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: key ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
      encryptionKey: key,
      bucketKeyEnabled: key ? true : undefined,
      versioned: true,
      removalPolicy: config.removalPolicy,
      ...props.bucketProps,
      lifecycleRules: [
        {
          id: 'expire-intermediate-files',
          prefix: config.workPrefix,
          expiration: Duration.days(config.intermediateFileRetentionDays),
          noncurrentVersionExpiration: Duration.days(1),
        },
        {
          // Versioning keeps what a run overwrites or deletes (the moved input, a withdrawn output) as
          // noncurrent versions; they are a safety net, not an archive.
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
          // Once its noncurrent versions have expired, a delete marker under the input or output prefix
          // (the moved input, a withdrawn output) is alone: remove it. S3 refuses it in a rule with an
          // `expiration` in days, so it is here; the work prefix's rule, which has one, removes its
          // expired delete markers itself
          // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManagingDelMarkers.html#LifecycleDelMarker).
          expiredObjectDeleteMarker: true,
        },
        ...props.bucketProps?.lifecycleRules ?? [],
      ],
    });
  }
}

/**
 * The suffixes of the uploads that start a run, as S3 filters them: the trigger handler's
 * (lambda-src/trigger/run-requests.ts, case-insensitive) in lower and in upper case.
 */
const INPUT_SUFFIXES = ['.csv', '.csv.gz', '.CSV', '.CSV.GZ'];

type HandlerProps = Omit<HandlerFunctionProps, 'logRetention' | 'removalPolicy' | 'encryptionKey'>;

function addEnvironment(fn: lambda.Function, environment: Variables): void {
  for (const [name, value] of Object.entries(environment)) fn.addEnvironment(name, value);
}
