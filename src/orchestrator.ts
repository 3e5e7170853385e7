import { ArnFormat, Duration, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { MapRunOutput, RunState } from './contract/execution-states';
import { WorkFiles } from './contract/run-layout';
import { MapRunResult, MergeRequest, RunSucceededTask, ValidateTask } from './contract/run-payloads';
import { PayloadTemplate, statePath } from './contract/state-paths';
import { invokeHandler } from './handler-task';
import { ManifestItemReader } from './manifest-item-reader';
import { MapResultWriter, requireResultWriter, useResultWriterV2 } from './map-result-writer';
import { takeTurnBefore } from './turn-states';

export interface OrchestratorProps {
  readonly bucket: s3.IBucket;
  readonly workPrefix: string;
  readonly splitFunction: IFunction;
  readonly mergeFunction: IFunction;
  readonly archiveFunction: IFunction;
  readonly notifyFunction: IFunction;
  /** run-turns, which TakeTurn asks (src/turn-states.ts). */
  readonly turnsFunction: LambdaFunction;
  readonly chunkProcessor: sfn.IStateMachine;
  readonly maxConcurrency: number;
  readonly toleratedFailurePercentage: number;
  readonly runTimeout: Duration;
  readonly logGroup: logs.ILogGroup;
}

/**
 * The errors of the optimized Step Functions integration (`arn:aws:states:::states:startExecution…`,
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-stepfunctions.html) that a retry can
 * cure. A Task names an API error `StepFunctions.<error>`, with the `Exception` suffix even where the
 * API's own name has none: the rule the AWS SDK integrations document ("include the Exception suffix
 * ... even if the suffix isn't yet part of the service-provided error name",
 * https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html). The
 * connect-stepfunctions page names no errors of its own: the optimized integration is assumed to name
 * them the same way, `StepFunctions.ExecutionLimitExceededException` for StartExecution's
 * `ExecutionLimitExceeded` (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html).
 * `AWSStepFunctionsException` and `SdkClientException` are the service and client errors, as
 * `Lambda.AWSLambdaException`/`Lambda.SdkClientException` are Lambda's
 * (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html).
 */
export const STEP_FUNCTIONS_RETRYABLE_ERRORS = [
  'StepFunctions.ExecutionLimitExceededException',
  'StepFunctions.ThrottlingException',
  'StepFunctions.AWSStepFunctionsException',
  'StepFunctions.SdkClientException',
];

/**
 * The Distributed Map's label: it names the Map Run and its child executions
 * (`execution:<state machine>/ProcessChunks:<id>`), which the role's grants are scoped to.
 */
export const PROCESS_CHUNKS_LABEL = 'ProcessChunks';

/** Paths into the run's state; into the state of the Map's iteration, the item its ItemSelector built; into the Map's output. */
const runPath = statePath<RunState>;
const itemPath = statePath<ValidateTask>;
const mapOutputPath = statePath<MapRunOutput>;

/**
 * The Standard state machine of one run (input `RunRequest`):
 * TakeTurn (waiting while `maxConcurrentRuns` runs hold one) → SplitInput → ProcessChunks
 * (Distributed Map) → MergeChunks → ArchiveInput → NotifySuccess.
 *
 * No step is caught. A failed step fails the execution at that step, which is what makes a
 * redrive (`RedriveExecution`) continue from it; a Catch routing to a `Fail` state would make
 * that `Fail` state the failed one, and a redrive would only fail again
 * (https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html). The failure is
 * reported from the execution's status change instead (EventBridge → the notify function).
 *
 * Nothing is published before the last step: MergeChunks stages the output and rejects under
 * the run's work prefix, ArchiveInput copies the input, and NotifySuccess publishes (copies the
 * staged files under the output prefix), removes the input, writes the summary, emails and puts
 * the run event. Each step is idempotent, so a redriven step may run again.
 */
export function createOrchestrator(scope: Construct, props: OrchestratorProps): sfn.StateMachine {
  // State names are construct ids: the states get a scope of their own so they may share names with the functions.
  const steps = new Construct(scope, 'OrchestratorSteps');
  useResultWriterV2(steps);
  const { bucket } = props;

  const split = invokeHandler(steps, 'SplitInput', props.splitFunction, {
    // No payload: the whole state, the RunRequest (optional versionId included) with TakeTurn's answer.
    resultPath: runPath('split'),
  });

  const startChunkProcessor = new tasks.StepFunctionsStartExecution(steps, 'StartChunkProcessor', {
    stateMachine: props.chunkProcessor,
    integrationPattern: sfn.IntegrationPattern.RUN_JOB,
    // The Map's item, as its ItemSelector built it.
    input: sfn.TaskInput.fromObject({
      runId: sfn.JsonPath.stringAt(itemPath('runId')),
      delimiter: sfn.JsonPath.stringAt(itemPath('delimiter')),
      chunk: sfn.JsonPath.objectAt(itemPath('chunk')),
    } satisfies PayloadTemplate<ValidateTask>),
    resultPath: sfn.JsonPath.DISCARD,
    // Only the chunk's index leaves the child: it is what the ResultWriter's files are read for.
    outputPath: itemPath('chunk.index'),
  });
  // Only what a second try can cure: StartExecution refused for the open-executions quota
  // (ExecutionLimitExceeded, https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html;
  // the quota does not count Express executions, but the name is retried whatever the child's type),
  // throttled (ThrottlingException is the common throttling error of AWS APIs; that StartExecution
  // answers with it is assumed, the Step Functions pages do not name it) and service errors. A chunk
  // execution that failed (`States.TaskFailed`) has already retried its own steps; it would fail the
  // same way again.
  startChunkProcessor.addRetry({
    errors: STEP_FUNCTIONS_RETRYABLE_ERRORS,
    interval: Duration.seconds(2),
    maxAttempts: 5,
    backoffRate: 2,
    jitterStrategy: sfn.JitterType.FULL,
  });

  // The run's work files as States.Format templates, `{}` standing for the run id.
  const runWork = new WorkFiles(props.workPrefix, '{}');
  const processChunks = new sfn.DistributedMap(steps, 'ProcessChunks', {
    label: PROCESS_CHUNKS_LABEL,
    itemReader: new ManifestItemReader({
      bucket,
      key: sfn.JsonPath.stringAt(runPath('split.manifestKey')),
      workPrefix: props.workPrefix,
    }),
    itemSelector: {
      runId: sfn.JsonPath.stringAt(runPath('runId')),
      // The run's delimiter as split-input read it: validate-chunk takes it from here, not from its environment.
      delimiter: sfn.JsonPath.stringAt(runPath('split.delimiter')),
      chunk: sfn.JsonPath.objectAt('$$.Map.Item.Value'),
    } satisfies PayloadTemplate<ValidateTask>,
    maxConcurrency: props.maxConcurrency,
    toleratedFailurePercentage: props.toleratedFailurePercentage,
    mapExecutionType: sfn.StateMachineType.STANDARD,
    // Without a ResultWriter the Map returns every child's result in its own output, and a
    // tolerated failure's result is its whole execution record: past 256 KiB that is
    // States.DataLimitExceeded, which no Catch sees. With it, the output is the manifest's key
    // (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html).
    resultWriterV2: new MapResultWriter({
      bucket,
      prefix: sfn.JsonPath.format(runWork.mapResultsPrefix, sfn.JsonPath.stringAt(runPath('runId'))),
      workPrefix: props.workPrefix,
    }),
    resultSelector: {
      mapRunArn: sfn.JsonPath.stringAt(mapOutputPath('MapRunArn')),
      resultsKey: sfn.JsonPath.stringAt(mapOutputPath('ResultWriterDetails.Key')),
    } satisfies PayloadTemplate<MapRunResult>,
    resultPath: runPath('map'),
  });
  processChunks.itemProcessor(startChunkProcessor);
  requireResultWriter(processChunks);

  const merge = invokeHandler(steps, 'MergeChunks', props.mergeFunction, {
    payload: sfn.TaskInput.fromObject({
      runId: sfn.JsonPath.stringAt(runPath('runId')),
      split: sfn.JsonPath.objectAt(runPath('split')),
      map: sfn.JsonPath.objectAt(runPath('map')),
    } satisfies PayloadTemplate<MergeRequest>),
    resultPath: runPath('merge'),
  });

  // A function rather than the `aws-sdk:s3:copyObject` integration: CopyObject stops at 5 GiB, and
  // a larger input is copied in parts (lambda-src/archive-input.ts). Given the whole state (`ArchiveTask`):
  // the RunRequest's optional versionId cannot be named in a payload template when it is absent.
  const archiveInput = invokeHandler(steps, 'ArchiveInput', props.archiveFunction, {
    resultPath: sfn.JsonPath.DISCARD,
  });

  const notifySuccess = invokeHandler(steps, 'NotifySuccess', props.notifyFunction, {
    payload: sfn.TaskInput.fromObject({
      status: 'SUCCEEDED',
      runId: sfn.JsonPath.stringAt(runPath('runId')),
      bucket: sfn.JsonPath.stringAt(runPath('bucket')),
      key: sfn.JsonPath.stringAt(runPath('key')),
      executionArn: sfn.JsonPath.stringAt('$$.Execution.Id'),
      // 0 for a run that was never redriven
      // (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html).
      redriveCount: sfn.JsonPath.numberAt('$$.Execution.RedriveCount'),
      split: sfn.JsonPath.objectAt(runPath('split')),
      merge: sfn.JsonPath.objectAt(runPath('merge')),
    } satisfies PayloadTemplate<RunSucceededTask>),
    resultPath: runPath('notification'),
  });

  const run = sfn.Chain.start(split)
    .next(processChunks)
    .next(merge)
    .next(archiveInput)
    .next(notifySuccess)
    .next(new sfn.Succeed(steps, 'RunSucceeded'));
  const definition = takeTurnBefore(steps, props.turnsFunction, run);

  const orchestrator = new sfn.StateMachine(scope, 'Orchestrator', {
    stateMachineType: sfn.StateMachineType.STANDARD,
    definitionBody: sfn.DefinitionBody.fromChainable(definition),
    timeout: props.runTimeout,
    tracingEnabled: true,
    // A run has a dozen state events plus the Map's: ALL is cheap here and shows each step's
    // timing; execution data stays out of the logs (it holds keys, but never records).
    logs: { destination: props.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
  });
  grantOnMapChildren(orchestrator);
  bucket.encryptionKey?.grantEncryptDecrypt(orchestrator);
  return orchestrator;
}

/**
 * The Distributed Map's child executions have ARNs `execution:<state machine>/<label>:<id>`
 * (https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html). CDK's
 * generated policy grants DescribeExecution/StopExecution on `stateMachine:<name>:*`, which
 * matches none of them; it also lacks RedriveExecution, which a Map Run redrive needs on its
 * children (https://docs.aws.amazon.com/step-functions/latest/dg/redrive-map-run.html). The
 * policy is corrected in place rather than added to, so no statement names a wrong resource.
 */
function grantOnMapChildren(orchestrator: sfn.StateMachine): void {
  const policy = orchestrator.node.tryFindChild('DistributedMapPolicy') as iam.Policy | undefined;
  if (!policy) throw new Error('the orchestrator has no DistributedMapPolicy: aws-cdk-lib changed how it grants on Distributed Maps');
  const stack = Stack.of(orchestrator);
  const name = Fn.select(6, Fn.split(':', orchestrator.stateMachineArn));
  const children = stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${name}/${PROCESS_CHUNKS_LABEL}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  (policy.node.defaultChild as iam.CfnPolicy).addPropertyOverride('PolicyDocument.Statement', [
    { Effect: 'Allow', Action: 'states:StartExecution', Resource: orchestrator.stateMachineArn },
    { Effect: 'Allow', Action: ['states:DescribeExecution', 'states:StopExecution', 'states:RedriveExecution'], Resource: children },
  ]);
}
