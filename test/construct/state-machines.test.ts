import { Match, Template } from 'aws-cdk-lib/assertions';
import { RecordEnricher } from '../../src';
import { policyStatements, stateMachineDefinition, synthesizeProcessor } from '../support/processor-template';

const withEnrichment = () => ({ enrichment: RecordEnricher.fromHttpEndpoint({ url: 'https://api.example.com/{uuid}' }) });

function orchestrator(template: Template) {
  return stateMachineDefinition(template, 'ProcessorOrchestrator');
}
function chunkProcessor(template: Template) {
  return stateMachineDefinition(template, 'ProcessorChunkProcessor');
}

/** Follows `Next` from `StartAt` (or from `from`) to the end; a Choice goes on with its first choice. */
function happyPath(definition: any, from: string = definition.StartAt): string[] {
  const names: string[] = [];
  for (let name: string | undefined = from; name; name = definition.States[name].Next ?? definition.States[name].Choices?.[0].Next) names.push(name);
  return names;
}

describe('orchestrator', () => {
  const { template } = synthesizeProcessor(() => ({ maxConcurrency: 25, toleratedFailurePercentage: 5 }));
  const definition = orchestrator(template);

  test('takes a turn, then runs split, process, merge, archive and notify in order', () => {
    expect(happyPath(definition)).toEqual(['TakeTurn', 'IsAdmitted', 'SplitInput', 'ProcessChunks', 'MergeChunks', 'ArchiveInput', 'NotifySuccess', 'RunSucceeded']);
    expect(definition.States.SplitInput.ResultPath).toBe('$.split');
    expect(definition.States.MergeChunks.ResultPath).toBe('$.merge');
    expect(definition.States.MergeChunks.Parameters).toEqual({ 'runId.$': '$.runId', 'split.$': '$.split', 'map.$': '$.map' });
  });

  test('asks run-turns for a turn, and waits as long as it answers before asking again', () => {
    expect(definition.States.TakeTurn).toMatchObject({
      Type: 'Task',
      Resource: expect.stringMatching(/^<ProcessorRunTurns/),
      // The whole state as the run (its ticket only there when the trigger set it), and the execution's own context.
      Parameters: { 'run.$': '$', 'executionArn.$': '$$.Execution.Id', 'startTime.$': '$$.Execution.StartTime', 'redriveCount.$': '$$.Execution.RedriveCount' },
      ResultPath: '$.turn',
      TimeoutSeconds: 30,
      Next: 'IsAdmitted',
    });
    expect(definition.States.IsAdmitted).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.turn.admitted', BooleanEquals: true, Next: 'SplitInput' }],
      Default: 'WaitForTurn',
    });
    expect(definition.States.WaitForTurn).toEqual({ Type: 'Wait', SecondsPath: '$.turn.waitSeconds', Next: 'TakeTurn' });
  });

  test('is a Standard state machine with tracing, logging without execution data, and a time limit', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
    expect(definition.TimeoutSeconds).toBe(24 * 3600);
  });

  test('catches nothing: a failed step fails the execution there, so that a redrive resumes from it', () => {
    for (const [name, state] of Object.entries<any>(definition.States)) {
      expect([name, state.Catch]).toEqual([name, undefined]);
      expect([name, state.Type]).not.toEqual([name, 'Fail']);
    }
  });

  test('tells notify the run\'s execution and how many times it was redriven', () => {
    expect(definition.States.NotifySuccess.Parameters).toMatchObject({
      'status': 'SUCCEEDED',
      'executionArn.$': '$$.Execution.Id',
      'redriveCount.$': '$$.Execution.RedriveCount',
      'split.$': '$.split',
      'merge.$': '$.merge',
    });
  });

  test('processes chunks with a Distributed Map over the manifest that writes its results to S3', () => {
    const map = definition.States.ProcessChunks;
    expect(map).toMatchObject({
      Type: 'Map',
      Label: 'ProcessChunks',
      MaxConcurrency: 25,
      ToleratedFailurePercentage: 5,
      ItemSelector: { 'runId.$': '$.runId', 'delimiter.$': '$.split.delimiter', 'chunk.$': '$$.Map.Item.Value' },
      ItemReader: {
        ReaderConfig: { InputType: 'JSON' },
        Parameters: { 'Bucket': expect.stringMatching(/^<ProcessorBucket/), 'Key.$': '$.split.manifestKey' },
      },
      // src/contract/run-layout.ts mapResultsPrefix
      ResultWriter: { Parameters: { 'Bucket': expect.stringMatching(/^<ProcessorBucket/), 'Prefix.$': "States.Format('runs/{}/map-results', $.runId)" } },
      // The Map's own output is two strings, whatever the number of chunks or failures.
      ResultSelector: { 'mapRunArn.$': '$.MapRunArn', 'resultsKey.$': '$.ResultWriterDetails.Key' },
      ResultPath: '$.map',
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'StartChunkProcessor' },
    });
    expect(map.ItemReader.Resource).toMatch(/:states:::s3:getObject$/);
    expect(map.ResultWriter.Resource).toMatch(/:states:::s3:putObject$/);
    expect(Object.keys(map.ItemProcessor.States)).toEqual(['StartChunkProcessor']);
    const start = map.ItemProcessor.States.StartChunkProcessor;
    expect(start.Resource).toMatch(/:states:::states:startExecution\.sync:2$/);
    expect(start.Parameters).toEqual({
      Input: { 'runId.$': '$.runId', 'delimiter.$': '$.delimiter', 'chunk.$': '$.chunk' },
      StateMachineArn: expect.stringMatching(/^<ProcessorChunkProcessor/),
    });
  });

  test('retries a chunk execution only for what a second try can cure', () => {
    const start = definition.States.ProcessChunks.ItemProcessor.States.StartChunkProcessor;
    const errors = start.Retry.flatMap((retry: any) => retry.ErrorEquals);
    // A Task names a Step Functions API error `StepFunctions.<error>Exception` (src/orchestrator.ts STEP_FUNCTIONS_RETRYABLE_ERRORS).
    expect(errors).toContain('StepFunctions.ExecutionLimitExceededException');
    expect(errors).not.toContain('StepFunctions.ExecutionLimitExceeded');
    // A chunk that failed (bad input, a refused endpoint) would fail the same way again.
    expect(errors).not.toContain('States.TaskFailed');
    expect(errors).not.toContain('States.ALL');
  });

  test('archives the input with the archive function (a multipart copy past 5 GiB), given the whole state; notify publishes and removes the input', () => {
    const archive = definition.States.ArchiveInput;
    // The function's ARN as the resource, without Parameters: it gets the whole state, its result is dropped.
    expect(archive).toMatchObject({ Type: 'Task', Resource: expect.stringMatching(/^<ProcessorArchiveInput/), ResultPath: null, Next: 'NotifySuccess' });
    expect(archive.Parameters).toBeUndefined();
    // Idempotent (a second copy overwrites the first), so a crashed or throttled invocation is retried.
    expect(archive.Retry.flatMap((retry: any) => retry.ErrorEquals)).toEqual(expect.arrayContaining(['Lambda.ServiceException', 'Lambda.Unknown']));
    expect(Object.values<any>(definition.States).some((state) => String(state.Resource).includes(':aws-sdk:s3:copyObject'))).toBe(false);
    expect(definition.States.DeleteInput).toBeUndefined();
  });

  test('retries crashed handler invocations but not named errors', () => {
    const retries = definition.States.SplitInput.Retry.flatMap((retry: any) => retry.ErrorEquals);
    expect(retries).toEqual(expect.arrayContaining(['Lambda.ServiceException', 'Lambda.Unknown']));
    expect(retries).not.toContain('States.ALL');
  });
});

describe.each([
  ['failure reporting', ['FAILED', 'TIMED_OUT', 'ABORTED'], 'ProcessorNotify', 'ProcessorFailureReportDeadLetterQueue'],
  ['run release', ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'], 'ProcessorRunTurns', 'ProcessorRunQueueDeadLetterQueue'],
])('%s', (_, statuses, handler, queue) => {
  const { template } = synthesizeProcessor();

  test(`the orchestrator's ${statuses.join(', ')} status changes go to ${handler}, with a dead-letter queue`, () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        'detail': { stateMachineArn: [{ Ref: Match.stringLikeRegexp('^ProcessorOrchestrator') }], status: statuses },
      },
      Targets: [Match.objectLike({
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${handler}`), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${queue}`), 'Arn'] } },
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 6 * 3600 }),
      })],
    });
  });

  test('an event the function itself fails on is sent, after Lambda\'s two retries, to the same dead-letter queue', () => {
    // EventBridge invokes it asynchronously: the target's dead-letter queue covers delivery only.
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: Match.stringLikeRegexp(`^${handler}`) },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 6 * 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${queue}`), 'Arn'] } } },
    });
  });

  test('the function\'s role may send to that queue, and nothing more of it', () => {
    const sends = policyStatements(template).filter((statement) =>
      JSON.stringify(statement.Resource).includes(queue) && JSON.stringify(statement.roles).includes(`${handler}ServiceRole`));
    expect(sends.flatMap((statement) => statement.Action)).toEqual(['sqs:SendMessage']);
  });
});

test('the functions invoked asynchronously are those: notify, run-turns, and the trigger, which sets its retries', () => {
  synthesizeProcessor().template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 3);
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
    expect(definition.States.ValidateChunk).toMatchObject({
      ResultPath: '$.validation',
      // The run's delimiter comes with the chunk, from the split result: not from validate-chunk's environment.
      Parameters: { 'runId.$': '$.runId', 'delimiter.$': '$.delimiter', 'chunk.$': '$.chunk' },
    });
    expect(definition.States.RecordRejects).toMatchObject({ ResultPath: null, Parameters: { 'runId.$': '$.runId', 'chunk.$': '$.chunk' } });
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
        // src/contract/run-layout.ts: chunkFailuresPrefix + '<index>'
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
