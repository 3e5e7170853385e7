import { failedStepOf, failureOfExecution } from '../../../lambda-src/notify/run-failure';
import { executionArn, failure } from '../../support/run-fixtures';

describe('a failed execution', () => {
  const detail = { executionArn, stateMachineArn: 'arn:sm', name: 'orders-1', input: '{}' };

  test('its failure is its error and cause; a timeout or an abort without an error is named', () => {
    const cause = JSON.stringify({ errorType: 'InputFormatError', errorMessage: failure.message });
    expect(failureOfExecution({ ...detail, status: 'FAILED', error: 'InputFormatError', cause })).toEqual(failure);
    expect(failureOfExecution({ ...detail, status: 'TIMED_OUT' }).code).toBe('States.Timeout');
    expect(failureOfExecution({ ...detail, status: 'ABORTED', error: null }).code).toBe('ExecutionAborted');
  });

  test('its failed step is the last state entered', () => {
    const newestFirst = [
      { type: 'ExecutionFailed' },
      { type: 'TaskFailed' },
      { type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'MergeChunks' } },
      { type: 'MapStateExited' },
      { type: 'MapStateEntered', stateEnteredEventDetails: { name: 'ProcessChunks' } },
    ];
    expect(failedStepOf(newestFirst)).toBe('MergeChunks');
    expect(failedStepOf([{ type: 'ExecutionAborted' }])).toBeUndefined();
  });
});
