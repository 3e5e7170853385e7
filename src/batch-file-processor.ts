import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BatchFileProcessorProps } from './batch-file-processor-props';
import { createChunkProcessor } from './chunk-processor';
import { PROCESSOR_METADATA_TYPE, ProcessorMetadata } from './contract/processor-metadata';
import { RUN_EVENT_SOURCE, RUN_FAILED_DETAIL_TYPE, RUN_SUCCEEDED_DETAIL_TYPE } from './contract/run-events';
import { executionArnPrefix } from './execution-arns';
import { warnIfImportedBucketHasNoKey } from './imported-bucket-key';
import { checkLambdaConcurrency } from './lambda-concurrency';
import { allowLogsToUseKey } from './log-encryption-key';
import { grantListUnder, grantObjectRead, grantObjectWrite } from './object-grants';
import { createOrchestrator } from './orchestrator';
import { PipelineFunctions } from './pipeline-functions';
import { processorTable } from './processor-table';
import { ResolvedProps, resolveProps } from './resolved-props';
import { createRunAlarms } from './run-alarms';
import { createRunDashboard } from './run-dashboard';
import { reportRunFailures } from './run-failure-reporting';
import { runQueueMetric, unsuccessfulRunsMetric } from './run-metrics';
import { createRunQueue, releaseTurnsOnRunEnd } from './run-queue';
import { triggerRunsOnUpload } from './run-trigger';
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
  /**
   * The run queue: the runs holding a turn and those waiting for one (`maxConcurrentRuns`), and the runs
   * released. Its items are the run-turns function's alone.
   */
  public readonly runQueueTable: dynamodb.Table;
  /** The function that admits runs in upload order, at most `maxConcurrentRuns` at once, and releases their turns. */
  public readonly runTurnsFunction: lambda.Function;
  /** The rule that sends the orchestrator's SUCCEEDED, FAILED, TIMED_OUT and ABORTED status changes to the run-turns function. */
  public readonly runEndedRule: events.Rule;
  /**
   * Where a release of a run's turn that was not made is kept, for 14 days: an event EventBridge could not deliver
   * to the run-turns function (the message is the event), or one it failed on past Lambda's two retries (Lambda's
   * invocation record, the event in `requestPayload`). Until it is replayed, the run's turn is held until
   * `runTimeout` after the run queued.
   */
  public readonly runQueueDeadLetterQueue: sqs.IQueue;
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

  /** What the ARN of each run (an orchestrator execution) starts with. */
  private readonly runExecutions: string;

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
    this.rejectedRecordsTable = this.createRejectedRecordsTable(config, key);

    const functions = new PipelineFunctions(this, {
      ...props,
      config,
      bucket: this.bucket,
      rejectedRecordsTable: this.rejectedRecordsTable,
      eventBus: this.eventBus,
    });
    this.splitFunction = functions.split;
    this.validateFunction = functions.validate;
    this.enrichFunction = functions.enrich;
    this.recordRejectsFunction = functions.recordRejects;
    this.mergeFunction = functions.merge;
    this.archiveFunction = functions.archive;
    this.notifyFunction = functions.notify;
    checkLambdaConcurrency({
      ...config,
      perChunk: functions.invocationsPerChunk,
      chunkFunctions: functions.enrich ? 3 : 2,
    });
    const runQueue = createRunQueue(this, { config, encryptionKey: key });
    this.runQueueTable = runQueue.table;
    this.runTurnsFunction = runQueue.turnsFunction;

    this.chunkProcessorLogGroup = stateMachineLogGroup(this, 'ChunkProcessorLogs', { ...config, encryptionKey: key });
    this.chunkProcessor = createChunkProcessor(this, {
      validateFunction: this.validateFunction,
      enrichFunction: this.enrichFunction,
      recordRejectsFunction: this.recordRejectsFunction,
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
      turnsFunction: this.runTurnsFunction,
      chunkProcessor: this.chunkProcessor,
      logGroup: this.orchestratorLogGroup,
    });
    this.runExecutions = executionArnPrefix(this.orchestrator);
    functions.grantNotifyRunHistory(this.runExecutions);

    const failureReporting = reportRunFailures(this, { orchestrator: this.orchestrator, handler: this.notifyFunction, encryptionKey: key });
    this.runFailedRule = failureReporting.rule;
    this.failureReportDeadLetterQueue = failureReporting.deadLetterQueue;
    const release = releaseTurnsOnRunEnd(this, { orchestrator: this.orchestrator, handler: this.runTurnsFunction, encryptionKey: key });
    this.runEndedRule = release.rule;
    this.runQueueDeadLetterQueue = release.deadLetterQueue;
    const trigger = triggerRunsOnUpload(this, { config, bucket: this.bucket, orchestrator: this.orchestrator, encryptionKey: key });
    this.triggerFunction = trigger.triggerFunction;
    this.triggerDeadLetterQueue = trigger.deadLetterQueue;

    const deadLetterQueues = {
      TriggerDeadLetterQueue: this.triggerDeadLetterQueue,
      FailureReportDeadLetterQueue: this.failureReportDeadLetterQueue,
      RunQueueDeadLetterQueue: this.runQueueDeadLetterQueue,
    };
    // S3 invokes the trigger, and EventBridge notify and run-turns, asynchronously.
    const asyncFunctions = { Trigger: this.triggerFunction, Notify: this.notifyFunction, RunTurns: this.runTurnsFunction };
    this.alarms = (props.alarms ?? true)
      ? createRunAlarms(this, { orchestrator: this.orchestrator, chunkProcessor: this.chunkProcessor, deadLetterQueues, asyncFunctions })
      : [];
    if (props.dashboard) this.dashboard = createRunDashboard(this, { orchestrator: this.orchestrator, chunkProcessor: this.chunkProcessor });
    this.addProcessorMetadata(config);
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
   * Runs waiting for their turn (`maxConcurrentRuns`), counted when a run joins the queue, takes a turn or
   * ends. @default - maximum over 5 minutes
   */
  public metricRunsWaiting(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return runQueueMetric(this.orchestrator, 'RunsWaiting', props);
  }

  /** Runs holding a turn: splitting, processing or publishing, at most `maxConcurrentRuns`. @default - maximum over 5 minutes */
  public metricRunsRunning(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return runQueueMetric(this.orchestrator, 'RunsRunning', props);
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
    const rule = new events.Rule(this, id, {
      eventBus: this.eventBus,
      description: options.description,
      ruleName: options.ruleName,
      crossStackScope: options.crossStackScope,
    });
    // This processor's runs only: several processors may share a bus.
    rule.addEventPattern({ source: [RUN_EVENT_SOURCE], detailType: [detailType], detail: { executionArn: [{ prefix: this.runExecutions }] } });
    rule.addEventPattern(options.eventPattern);
    if (options.target) rule.addTarget(options.target);
    return rule;
  }

  private createRejectedRecordsTable(config: ResolvedProps, key: kms.IKey | undefined): dynamodb.Table {
    return processorTable(this, 'RejectedRecords', {
      partitionKey: { name: 'runId', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'line', type: dynamodb.AttributeType.NUMBER },
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: config.removalPolicy,
      encryptionKey: key,
    });
  }

  /** How `batch-file-processor local` finds this processor in the synthesized app (src/contract/processor-metadata.ts). */
  private addProcessorMetadata(config: ResolvedProps): void {
    this.node.addMetadata(PROCESSOR_METADATA_TYPE, {
      bucketName: this.bucket.bucketName,
      triggerFunctionName: this.triggerFunction.functionName,
      orchestratorArn: this.orchestrator.stateMachineArn,
      rejectedRecordsTableName: this.rejectedRecordsTable.tableName,
      inputPrefix: config.inputPrefix,
      outputPrefix: config.outputPrefix,
      chunkSize: config.chunkSize,
    } satisfies ProcessorMetadata);
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

