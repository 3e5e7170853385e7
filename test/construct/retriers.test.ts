import { RecordEnricher } from '../../src';
import { stateMachineDefinition, synthesizeProcessor } from '../support/processor-template';

// The retriers of both state machines, as synthesized: the error names AWS reports (src/handler-task.ts,
// src/orchestrator.ts) and the retries the chunk time budget counts (src/chunk-time-budget.ts).
const { template } = synthesizeProcessor(() => ({ enrichment: RecordEnricher.fromHttpEndpoint({ url: 'https://api.example.com/{uuid}' }) }));
const orchestrator = stateMachineDefinition(template, 'ProcessorOrchestrator');
const chunkProcessor = stateMachineDefinition(template, 'ProcessorChunkProcessor');

const SERVICE_ERRORS = ['Lambda.ClientExecutionTimeoutException', 'Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException'];

describe('chunk steps', () => {
  test.each(['ValidateChunk', 'EnrichChunk', 'RecordRejects'])('%s retries a crash, a function timeout (Sandbox.Timedout) and its own timeout (States.Timeout) once', (name) => {
    expect(chunkProcessor.States[name].Retry[0]).toEqual({
      ErrorEquals: [...SERVICE_ERRORS, 'Sandbox.Timedout', 'Lambda.Unknown', 'Runtime.ExitError', 'States.Timeout'],
      IntervalSeconds: 1,
      MaxAttempts: 1,
      BackoffRate: 2,
      JitterStrategy: 'FULL',
    });
  });

  test.each(['ValidateChunk', 'EnrichChunk', 'RecordRejects'])('%s retries throttling in a retrier of its own, with a capped backoff and full jitter', (name) => {
    const retriers = chunkProcessor.States[name].Retry;
    expect(retriers).toHaveLength(2);
    expect(retriers[1]).toEqual({
      ErrorEquals: ['Lambda.TooManyRequestsException'],
      IntervalSeconds: 1,
      MaxAttempts: 3,
      MaxDelaySeconds: 4,
      BackoffRate: 2,
      JitterStrategy: 'FULL',
    });
    // Throttling is not also in the other retrier: its attempts would count against crashes and timeouts.
    expect(retriers[0].ErrorEquals).not.toContain('Lambda.TooManyRequestsException');
  });
});

describe('orchestrator', () => {
  test('StartChunkProcessor retries the Step Functions integration\'s error names, with the Exception suffix', () => {
    const start = orchestrator.States.ProcessChunks.ItemProcessor.States.StartChunkProcessor;
    expect(start.Retry).toEqual([{
      ErrorEquals: ['StepFunctions.ExecutionLimitExceededException', 'StepFunctions.ThrottlingException', 'StepFunctions.AWSStepFunctionsException', 'StepFunctions.SdkClientException'],
      IntervalSeconds: 2,
      MaxAttempts: 5,
      BackoffRate: 2,
      JitterStrategy: 'FULL',
    }]);
  });

  test.each(['TakeTurn', 'SplitInput', 'MergeChunks', 'ArchiveInput', 'NotifySuccess'])('%s retries a function timeout by the name Lambda reports (Sandbox.Timedout) and throttling', (name) => {
    const errors = orchestrator.States[name].Retry.flatMap((retrier: any) => retrier.ErrorEquals);
    expect(errors).toEqual(expect.arrayContaining(['Sandbox.Timedout', 'Lambda.Unknown', 'Lambda.TooManyRequestsException', 'Lambda.ServiceException']));
  });

  test.each(['TakeTurn', 'SplitInput', 'MergeChunks', 'ArchiveInput', 'NotifySuccess'])('%s retries throttling in a retrier of its own, for minutes: a run\'s step has the run\'s time', (name) => {
    const retriers = orchestrator.States[name].Retry;
    expect(retriers.filter((retrier: any) => retrier.ErrorEquals.includes('Lambda.TooManyRequestsException'))).toEqual([{
      ErrorEquals: ['Lambda.TooManyRequestsException'],
      IntervalSeconds: 2,
      MaxAttempts: 10,
      MaxDelaySeconds: 60,
      BackoffRate: 2,
      JitterStrategy: 'FULL',
    }]);
  });
});
