import { Template } from 'aws-cdk-lib/assertions';
import { stateMachineDefinition, synthesizeProcessor } from './processor-template';
import { RecordEnricher } from '../../src';

const withEnrichment = () => ({ enrichment: RecordEnricher.fromHttpEndpoint({ url: 'https://api.example.com/{uuid}' }) });

function orchestrator(template: Template) {
  return stateMachineDefinition(template, 'ProcessorOrchestrator');
}
function chunkProcessor(template: Template) {
  return stateMachineDefinition(template, 'ProcessorChunkProcessor');
}

/** Follows `Next` from `StartAt` to the end. */
function happyPath(definition: any): string[] {
  const names: string[] = [];
  for (let name: string | undefined = definition.StartAt; name; name = definition.States[name].Next) names.push(name);
  return names;
}

describe('orchestrator', () => {
  const { template } = synthesizeProcessor(() => ({ maxConcurrency: 25, toleratedFailurePercentage: 5 }));
  const definition = orchestrator(template);

  test('runs split, process, merge, archive, delete and notify in order', () => {
    expect(happyPath(definition)).toEqual(['SplitInput', 'ProcessChunks', 'MergeChunks', 'ArchiveInput', 'DeleteInput', 'NotifySuccess', 'RunSucceeded']);
    expect(definition.States.SplitInput.ResultPath).toBe('$.split');
    expect(definition.States.MergeChunks.ResultPath).toBe('$.merge');
    expect(definition.States.MergeChunks.Parameters).toEqual({ 'runId.$': '$.runId', 'split.$': '$.split' });
  });

  test('is a Standard state machine with tracing and logging, without execution data', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
  });

  test('catches every step into NotifyFailure, which ends in a Fail state', () => {
    const steps = happyPath(definition).filter((name) => definition.States[name].Type !== 'Succeed');
    expect(steps).toHaveLength(6);
    for (const name of steps) {
      expect(definition.States[name].Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'NotifyFailure' }]);
    }
    const notifyFailure = definition.States.NotifyFailure;
    expect(notifyFailure.Parameters).toMatchObject({ 'status': 'FAILED', 'runId.$': '$.runId', 'error.$': '$.error' });
    expect(notifyFailure.Next).toBe('RunFailed');
    expect(notifyFailure.Catch[0].Next).toBe('RunFailed');
    expect(definition.States.RunFailed).toEqual({ Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' });
    expect(definition.States.NotifySuccess.Parameters).toMatchObject({ 'status': 'SUCCEEDED', 'split.$': '$.split', 'merge.$': '$.merge' });
  });

  test('processes chunks with a Distributed Map over the manifest', () => {
    const map = definition.States.ProcessChunks;
    expect(map).toMatchObject({
      Type: 'Map',
      MaxConcurrency: 25,
      ToleratedFailurePercentage: 5,
      ResultPath: null,
      ItemSelector: { 'runId.$': '$.runId', 'chunk.$': '$$.Map.Item.Value' },
      ItemReader: {
        ReaderConfig: { InputType: 'JSON' },
        Parameters: { 'Bucket': expect.stringMatching(/^<ProcessorBucket/), 'Key.$': '$.split.manifestKey' },
      },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'StartChunkProcessor' },
    });
    expect(map.ItemReader.Resource).toMatch(/:states:::s3:getObject$/);
    expect(Object.keys(map.ItemProcessor.States)).toEqual(['StartChunkProcessor']);
    const start = map.ItemProcessor.States.StartChunkProcessor;
    expect(start.Resource).toMatch(/:states:::states:startExecution\.sync:2$/);
    expect(start.Parameters).toEqual({
      Input: { 'runId.$': '$.runId', 'chunk.$': '$.chunk' },
      StateMachineArn: expect.stringMatching(/^<ProcessorChunkProcessor/),
    });
    expect(start.Retry[0].ErrorEquals).toContain('States.TaskFailed');
  });

  test('moves the input to the archive with copyObject then deleteObject', () => {
    expect(definition.States.ArchiveInput).toMatchObject({
      Resource: expect.stringMatching(/:states:::aws-sdk:s3:copyObject$/),
      Parameters: { 'CopySource.$': '$.split.copySource', 'Key.$': '$.split.archiveKey' },
      ResultPath: null,
    });
    expect(definition.States.DeleteInput).toMatchObject({
      Resource: expect.stringMatching(/:states:::aws-sdk:s3:deleteObject$/),
      Parameters: { 'Key.$': '$.key' },
    });
  });

  test('retries crashed handler invocations but not named errors', () => {
    const retries = definition.States.SplitInput.Retry.flatMap((retry: any) => retry.ErrorEquals);
    expect(retries).toEqual(expect.arrayContaining(['Lambda.ServiceException', 'Lambda.Unknown']));
    expect(retries).not.toContain('States.ALL');
  });
});

describe('chunk processor', () => {
  test('is an Express state machine logging errors only, traced', () => {
    const { template } = synthesizeProcessor();
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'EXPRESS',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ERROR', IncludeExecutionData: false },
    });
  });

  test('without enrichment validates then records rejects', () => {
    const definition = chunkProcessor(synthesizeProcessor().template);
    expect(happyPath(definition)).toEqual(['ValidateChunk', 'RecordRejects', 'ChunkDone']);
    expect(definition.States.ValidateChunk.ResultPath).toBe('$.validation');
    expect(definition.States.RecordRejects.ResultPath).toBeNull();
  });

  test('with enrichment enriches the valid records between validation and recording rejects', () => {
    const definition = chunkProcessor(synthesizeProcessor(withEnrichment).template);
    expect(happyPath(definition)).toEqual(['ValidateChunk', 'EnrichChunk', 'RecordRejects', 'ChunkDone']);
    expect(definition.States.EnrichChunk).toMatchObject({
      ResultPath: '$.enrichment',
      Parameters: { 'runId.$': '$.runId', 'chunk.$': '$.chunk', 'validKey.$': '$.validation.validKey' },
    });
  });

  test('catches every step into RecordChunkFailure, which writes the error to S3, then fails with the same error', () => {
    const definition = chunkProcessor(synthesizeProcessor(() => ({ ...withEnrichment(), workPrefix: 'work/' })).template);
    for (const name of ['ValidateChunk', 'EnrichChunk', 'RecordRejects']) {
      expect(definition.States[name].Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordChunkFailure' }]);
    }
    const record = definition.States.RecordChunkFailure;
    expect(record).toMatchObject({
      Type: 'Task',
      Resource: 'arn:<AWS::Partition>:states:::aws-sdk:s3:putObject',
      ResultPath: null,
      Next: 'ChunkFailed',
      Parameters: {
        'Bucket': expect.stringMatching(/^<ProcessorBucket/),
        // lambda-src/shared/run-layout.ts: chunkFailuresPrefix + '<index>'
        'Key.$': "States.Format('{}{}/failures/{}', 'work/', $.runId, $.chunk.index)",
        'Body.$': '$.error.Cause',
        'Metadata': { 'error.$': '$.error.Error' },
      },
    });
    expect(record.Retry).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], MaxAttempts: 1 })]);
    // A failure that cannot be recorded still fails the chunk with its own error, not the S3 one.
    expect(record.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.recordFailureError', Next: 'ChunkFailed' }]);
    expect(definition.States.ChunkFailed).toEqual({ Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' });
    expect(definition.States.ChunkDone).toEqual({ Type: 'Succeed' });
  });
});
