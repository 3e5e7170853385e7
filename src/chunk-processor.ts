import { Duration } from 'aws-cdk-lib';
import { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { invokeHandler } from './handler-task';

export interface ChunkProcessorProps {
  readonly validateFunction: IFunction;
  /** Absent when no enrichment is configured: the EnrichChunk state is left out. */
  readonly enrichFunction?: IFunction;
  readonly recordRejectsFunction: IFunction;
  readonly logGroup: logs.ILogGroup;
}

/** The chunk of the current execution, as the Distributed Map's ItemSelector passes it. */
const chunkTask = {
  runId: sfn.JsonPath.stringAt('$.runId'),
  chunk: sfn.JsonPath.objectAt('$.chunk'),
};

/**
 * The Express state machine that processes one chunk: ValidateChunk → [EnrichChunk] → RecordRejects.
 *
 * Express because a chunk is a few Lambda calls well inside 5 minutes, and Express is billed by
 * duration instead of per transition (the original design spent 92% of its cost on transitions).
 * Its failures surface in the orchestrator, whose Distributed Map retries the chunk.
 */
export function createChunkProcessor(scope: Construct, props: ChunkProcessorProps): sfn.StateMachine {
  // State names are construct ids: the states get a scope of their own so they may share names with the functions.
  const steps = new Construct(scope, 'ChunkProcessorSteps');
  const validate = invokeHandler(steps, 'ValidateChunk', props.validateFunction, {
    payload: sfn.TaskInput.fromObject(chunkTask),
    resultPath: '$.validation',
  });
  const recordRejects = invokeHandler(steps, 'RecordRejects', props.recordRejectsFunction, {
    payload: sfn.TaskInput.fromObject(chunkTask),
    resultPath: sfn.JsonPath.DISCARD,
  });

  let chain = sfn.Chain.start(validate);
  if (props.enrichFunction) {
    chain = chain.next(invokeHandler(steps, 'EnrichChunk', props.enrichFunction, {
      payload: sfn.TaskInput.fromObject({ ...chunkTask, validKey: sfn.JsonPath.stringAt('$.validation.validKey') }),
      resultPath: '$.enrichment',
    }));
  }
  const definition = chain.next(recordRejects).next(new sfn.Succeed(steps, 'ChunkDone'));

  return new sfn.StateMachine(scope, 'ChunkProcessor', {
    stateMachineType: sfn.StateMachineType.EXPRESS,
    definitionBody: sfn.DefinitionBody.fromChainable(definition),
    // Express executions end at 5 minutes anyway; this only makes the limit explicit.
    timeout: Duration.minutes(5),
    tracingEnabled: true,
    // Express logging is billed per event: ALL with execution data would log every chunk's
    // every state, so only errors are logged, and without data (no record contents in logs).
    logs: { destination: props.logGroup, level: sfn.LogLevel.ERROR, includeExecutionData: false },
  });
}
