import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { invokeHandler } from './handler-task';
import { ManifestItemReader } from './manifest-item-reader';

export interface OrchestratorProps {
  readonly bucket: s3.IBucket;
  readonly inputPrefix: string;
  readonly archivePrefix: string;
  readonly workPrefix: string;
  readonly splitFunction: IFunction;
  readonly mergeFunction: IFunction;
  readonly notifyFunction: IFunction;
  readonly chunkProcessor: sfn.IStateMachine;
  readonly maxConcurrency: number;
  readonly toleratedFailurePercentage: number;
  readonly logGroup: logs.ILogGroup;
}

/** What the notify handler needs on success: the run request plus the split and merge results. */
const succeededRun = {
  status: 'SUCCEEDED',
  runId: sfn.JsonPath.stringAt('$.runId'),
  bucket: sfn.JsonPath.stringAt('$.bucket'),
  key: sfn.JsonPath.stringAt('$.key'),
  split: sfn.JsonPath.objectAt('$.split'),
  merge: sfn.JsonPath.objectAt('$.merge'),
};

/**
 * On failure only the fields present whichever step failed: a path to a missing `$.split` would
 * itself fail. Notify derives the run's keys from `runId` and `key` (lambda-src/shared/run-layout.ts).
 */
const failedRun = {
  status: 'FAILED',
  runId: sfn.JsonPath.stringAt('$.runId'),
  bucket: sfn.JsonPath.stringAt('$.bucket'),
  key: sfn.JsonPath.stringAt('$.key'),
  error: sfn.JsonPath.objectAt('$.error'),
};

/**
 * The Standard state machine of one run (input `RunRequest`):
 * SplitInput → ProcessChunks (Distributed Map) → MergeChunks → ArchiveInput → DeleteInput → NotifySuccess,
 * with every step caught into NotifyFailure → Fail.
 */
export function createOrchestrator(scope: Construct, props: OrchestratorProps): sfn.StateMachine {
  // State names are construct ids: the states get a scope of their own so they may share names with the functions.
  const steps = new Construct(scope, 'OrchestratorSteps');
  const { bucket } = props;

  const fail = new sfn.Fail(steps, 'RunFailed', { errorPath: '$.error.Error', causePath: '$.error.Cause' });
  const notifyFailure = invokeHandler(steps, 'NotifyFailure', props.notifyFunction, {
    payload: sfn.TaskInput.fromObject(failedRun),
    resultPath: '$.notification',
  });
  // If even the failure email fails, the run still ends failed, with the original error.
  notifyFailure.addCatch(fail, { errors: [sfn.Errors.ALL], resultPath: '$.notificationError' });
  notifyFailure.next(fail);
  const onError = { errors: [sfn.Errors.ALL], resultPath: '$.error' };

  const split = invokeHandler(steps, 'SplitInput', props.splitFunction, {
    // No payload: the whole state, which is the RunRequest itself, optional versionId included.
    resultPath: '$.split',
  });

  const startChunkProcessor = new tasks.StepFunctionsStartExecution(steps, 'StartChunkProcessor', {
    stateMachine: props.chunkProcessor,
    integrationPattern: sfn.IntegrationPattern.RUN_JOB,
    input: sfn.TaskInput.fromObject({
      runId: sfn.JsonPath.stringAt('$.runId'),
      chunk: sfn.JsonPath.objectAt('$.chunk'),
    }),
    resultPath: sfn.JsonPath.DISCARD,
    // Only the chunk's index leaves the child: the Map collects every child's output,
    // and 10,000 chunks' full inputs would pass the 256 KiB state limit.
    outputPath: '$.chunk.index',
  });
  // A failed chunk execution is retried: every chunk step overwrites its files, so a retry never duplicates.
  startChunkProcessor.addRetry({
    errors: ['States.TaskFailed', 'StepFunctions.ExecutionLimitExceededException', 'StepFunctions.AWSStepFunctionsException'],
    interval: Duration.seconds(2),
    maxAttempts: 2,
    backoffRate: 2,
    jitterStrategy: sfn.JitterType.FULL,
  });

  const processChunks = new sfn.DistributedMap(steps, 'ProcessChunks', {
    itemReader: new ManifestItemReader({
      bucket,
      key: sfn.JsonPath.stringAt('$.split.manifestKey'),
      workPrefix: props.workPrefix,
    }),
    itemSelector: {
      runId: sfn.JsonPath.stringAt('$.runId'),
      chunk: sfn.JsonPath.objectAt('$$.Map.Item.Value'),
    },
    maxConcurrency: props.maxConcurrency,
    toleratedFailurePercentage: props.toleratedFailurePercentage,
    mapExecutionType: sfn.StateMachineType.STANDARD,
    resultPath: sfn.JsonPath.DISCARD,
  });
  processChunks.itemProcessor(startChunkProcessor);

  const merge = invokeHandler(steps, 'MergeChunks', props.mergeFunction, {
    payload: sfn.TaskInput.fromObject({
      runId: sfn.JsonPath.stringAt('$.runId'),
      split: sfn.JsonPath.objectAt('$.split'),
    }),
    resultPath: '$.merge',
  });

  const inputObjects = bucket.arnForObjects(`${props.inputPrefix}*`);
  const archiveInput = new tasks.CallAwsService(steps, 'ArchiveInput', {
    service: 's3',
    action: 'copyObject',
    parameters: {
      Bucket: bucket.bucketName,
      CopySource: sfn.JsonPath.stringAt('$.split.copySource'),
      Key: sfn.JsonPath.stringAt('$.split.archiveKey'),
    },
    // CopyObject is authorised as a read of the source and a write of the copy.
    iamAction: 's3:PutObject',
    iamResources: [bucket.arnForObjects(`${props.archivePrefix}*`)],
    additionalIamStatements: [new iam.PolicyStatement({
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: [inputObjects],
    })],
    resultPath: sfn.JsonPath.DISCARD,
  });
  const deleteInput = new tasks.CallAwsService(steps, 'DeleteInput', {
    service: 's3',
    action: 'deleteObject',
    parameters: {
      Bucket: bucket.bucketName,
      Key: sfn.JsonPath.stringAt('$.key'),
    },
    iamAction: 's3:DeleteObject',
    iamResources: [inputObjects],
    resultPath: sfn.JsonPath.DISCARD,
  });

  const notifySuccess = invokeHandler(steps, 'NotifySuccess', props.notifyFunction, {
    payload: sfn.TaskInput.fromObject(succeededRun),
    resultPath: '$.notification',
  });

  for (const step of [split, merge, notifySuccess, archiveInput, deleteInput]) {
    step.addCatch(notifyFailure, onError);
  }
  processChunks.addCatch(notifyFailure, onError);

  const definition = sfn.Chain.start(split)
    .next(processChunks)
    .next(merge)
    .next(archiveInput)
    .next(deleteInput)
    .next(notifySuccess)
    .next(new sfn.Succeed(steps, 'RunSucceeded'));

  const orchestrator = new sfn.StateMachine(scope, 'Orchestrator', {
    stateMachineType: sfn.StateMachineType.STANDARD,
    definitionBody: sfn.DefinitionBody.fromChainable(definition),
    tracingEnabled: true,
    // A run has a dozen state events plus the Map's: ALL is cheap here and shows each step's
    // timing; execution data stays out of the logs (it holds keys, but never records).
    logs: { destination: props.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
  });
  bucket.encryptionKey?.grantEncryptDecrypt(orchestrator);
  return orchestrator;
}
