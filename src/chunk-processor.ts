import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { CHUNK_STEP_RETRIES, CHUNK_STEP_RETRY_INTERVAL, CHUNK_STEP_THROTTLE_RETRY, CHUNK_STEP_TIMEOUTS } from './chunk-time-budget';
import { ChunkState } from './contract/execution-states';
import { WorkFiles } from './contract/run-layout';
import { ChunkTask, EnrichTask, ValidateTask } from './contract/run-payloads';
import { PayloadTemplate, statePath } from './contract/state-paths';
import { HandlerTaskOptions, invokeHandler } from './handler-task';

export interface ChunkProcessorProps {
  /** The handler functions: their timeouts become their steps' TimeoutSeconds. */
  readonly validateFunction: lambda.Function;
  /** Absent when no enrichment is configured: the EnrichChunk state is left out. */
  readonly enrichFunction?: lambda.Function;
  readonly recordRejectsFunction: lambda.Function;
  readonly logGroup: logs.ILogGroup;
  /** Where a failed chunk's error is recorded, under `<workPrefix><runId>/failures/`. */
  readonly bucket: s3.IBucket;
  readonly workPrefix: string;
}

/** Paths into a chunk's state. */
const chunkPath = statePath<ChunkState>;

/** The chunk of the current execution, as the Distributed Map's ItemSelector passes it. */
const chunkTask = {
  runId: sfn.JsonPath.stringAt(chunkPath('runId')),
  chunk: sfn.JsonPath.objectAt(chunkPath('chunk')),
} satisfies PayloadTemplate<ChunkTask>;

/** The run layout's prefix of the failed chunks' errors; the chunk index follows it, unpadded (States.Format cannot pad). */
const chunkFailuresPrefix = (workPrefix: string, runId: string) => new WorkFiles(workPrefix, runId).chunkFailuresPrefix;

/**
 * The Express state machine that processes one chunk: ValidateChunk → [EnrichChunk] → RecordRejects.
 *
 * Express because a chunk is a few Lambda calls well inside 5 minutes, and Express is billed by
 * duration instead of per transition (the original design spent 92% of its cost on transitions).
 * Its failures surface in the orchestrator, whose Distributed Map retries the chunk. Every step
 * states its timeout and retries, within the budget of src/chunk-time-budget.ts.
 *
 * A failing step is caught into RecordChunkFailure, which writes the error to
 * `<workPrefix><runId>/failures/<chunk index>` (src/contract/run-layout.ts): its Cause as the
 * body, its code as the `error` metadata. Then ChunkFailed fails the execution with the same
 * error. On AWS a Distributed Map whose children fail reports only
 * `States.ExceedToleratedFailureThreshold`: the notify handler reads these records to tell which
 * chunk failed and why.
 */
export function createChunkProcessor(scope: Construct, props: ChunkProcessorProps): sfn.StateMachine {
  // State names are construct ids: the states get a scope of their own so they may share names with the functions.
  const steps = new Construct(scope, 'ChunkProcessorSteps');
  const handlerStep = (id: string, fn: lambda.Function, options: HandlerTaskOptions) => invokeHandler(steps, id, fn, {
    ...options,
    timeout: fn.timeout,
    retryAttempts: CHUNK_STEP_RETRIES,
    retryInterval: CHUNK_STEP_RETRY_INTERVAL,
    throttleRetry: CHUNK_STEP_THROTTLE_RETRY,
  });
  const validate = handlerStep('ValidateChunk', props.validateFunction, {
    // The run's delimiter comes with the chunk (ValidateTask): one source for the run, split-input's.
    payload: sfn.TaskInput.fromObject({
      ...chunkTask,
      delimiter: sfn.JsonPath.stringAt(chunkPath('delimiter')),
    } satisfies PayloadTemplate<ValidateTask>),
    resultPath: chunkPath('validation'),
  });
  const recordRejects = handlerStep('RecordRejects', props.recordRejectsFunction, {
    payload: sfn.TaskInput.fromObject(chunkTask),
    resultPath: sfn.JsonPath.DISCARD,
  });

  const enrich = props.enrichFunction && handlerStep('EnrichChunk', props.enrichFunction, {
    payload: sfn.TaskInput.fromObject({
      ...chunkTask,
      validKey: sfn.JsonPath.stringAt(chunkPath('validation.validKey')),
    } satisfies PayloadTemplate<EnrichTask>),
    resultPath: chunkPath('enrichment'),
  });
  const handlerSteps = enrich ? [validate, enrich, recordRejects] : [validate, recordRejects];
  let chain = sfn.Chain.start(validate);
  for (const step of handlerSteps.slice(1)) chain = chain.next(step);
  const definition = chain.next(new sfn.Succeed(steps, 'ChunkDone'));

  const chunkFailed = new sfn.Fail(steps, 'ChunkFailed', { errorPath: chunkPath('error.Error'), causePath: chunkPath('error.Cause') });
  const recordFailure = new tasks.CallAwsService(steps, 'RecordChunkFailure', {
    service: 's3',
    action: 'putObject',
    parameters: {
      Bucket: props.bucket.bucketName,
      // States.Format placeholders for the work prefix, the run id and the chunk index.
      Key: sfn.JsonPath.format(
        `${chunkFailuresPrefix('{}', '{}')}{}`,
        props.workPrefix, sfn.JsonPath.stringAt(chunkPath('runId')), sfn.JsonPath.stringAt(chunkPath('chunk.index')),
      ),
      // Plain paths, no States.JsonToString: the Cause (a Lambda's JSON error, or a service's
      // message) is stored as it is, not as a string escaped inside another JSON document.
      Body: sfn.JsonPath.stringAt(chunkPath('error.Cause')),
      Metadata: { error: sfn.JsonPath.stringAt(chunkPath('error.Error')) },
      ContentType: 'text/plain; charset=utf-8',
    },
    iamAction: 's3:PutObject',
    iamResources: [props.bucket.arnForObjects(`${chunkFailuresPrefix(props.workPrefix, '*')}*`)],
    resultPath: sfn.JsonPath.DISCARD,
    taskTimeout: sfn.Timeout.duration(CHUNK_STEP_TIMEOUTS.recordFailure),
  });
  recordFailure.addRetry({
    errors: [sfn.Errors.ALL],
    interval: CHUNK_STEP_RETRY_INTERVAL,
    maxAttempts: CHUNK_STEP_RETRIES,
    backoffRate: 2,
    jitterStrategy: sfn.JitterType.FULL,
  });
  // Not being able to record the error must not hide it: the chunk fails with its own error either way.
  recordFailure.addCatch(chunkFailed, { errors: [sfn.Errors.ALL], resultPath: chunkPath('recordFailureError') });
  recordFailure.next(chunkFailed);
  for (const step of handlerSteps) step.addCatch(recordFailure, { errors: [sfn.Errors.ALL], resultPath: chunkPath('error') });

  const stateMachine = new sfn.StateMachine(scope, 'ChunkProcessor', {
    stateMachineType: sfn.StateMachineType.EXPRESS,
    definitionBody: sfn.DefinitionBody.fromChainable(definition),
    // Express executions end at 5 minutes anyway; this only makes the limit explicit. That end is
    // not caught: the steps' budget (src/chunk-time-budget.ts) keeps them well inside it.
    timeout: Duration.minutes(5),
    tracingEnabled: true,
    // Express logging is billed per event: ALL with execution data would log every chunk's
    // every state, so only errors are logged, and without data (no record contents in logs).
    logs: { destination: props.logGroup, level: sfn.LogLevel.ERROR, includeExecutionData: false },
  });
  props.bucket.encryptionKey?.grantEncrypt(stateMachine);
  return stateMachine;
}
