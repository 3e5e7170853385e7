import { parseFailure } from '../../../lambda-src/notify/failure-cause';

describe('parseFailure', () => {
  test('reads a Lambda error from the Cause', () => {
    const cause = JSON.stringify({ errorType: 'InputFormatError', errorMessage: 'orders.csv line 57: unterminated quoted field', trace: ['at x'] });
    expect(parseFailure({ Error: 'InputFormatError', Cause: cause })).toEqual({ code: 'InputFormatError', message: 'orders.csv line 57: unterminated quoted field' });
  });

  test('prefers the Lambda error type over a generic task failure code', () => {
    const cause = JSON.stringify({ errorType: 'HeaderError', errorMessage: 'orders.csv line 1 (header): duplicate column uuid' });
    expect(parseFailure({ Error: 'States.TaskFailed', Cause: cause })).toEqual({ code: 'HeaderError', message: 'orders.csv line 1 (header): duplicate column uuid' });
  });

  test('digs the Lambda error out of a failed child execution', () => {
    const lambdaError = JSON.stringify({ errorType: 'EnrichmentUnavailable', errorMessage: 'enrichment endpoint api.example.com failed 5 attempts, last: HTTP 503' });
    const child = JSON.stringify({ executionArn: 'arn:x', status: 'FAILED', error: 'EnrichmentUnavailable', cause: lambdaError });
    expect(parseFailure({ Error: 'States.TaskFailed', Cause: child })).toEqual({
      code: 'EnrichmentUnavailable',
      message: 'enrichment endpoint api.example.com failed 5 attempts, last: HTTP 503',
    });
  });

  test('keeps a plain-text Cause and a missing one', () => {
    expect(parseFailure({ Error: 'States.ExceedToleratedFailureThreshold', Cause: 'The specified tolerated failure threshold was exceeded' }))
      .toEqual({ code: 'States.ExceedToleratedFailureThreshold', message: 'The specified tolerated failure threshold was exceeded' });
    expect(parseFailure({ Error: 'States.Timeout' })).toEqual({ code: 'States.Timeout', message: 'States.Timeout' });
    expect(parseFailure(undefined)).toEqual({ code: 'Unknown', message: 'Unknown' });
    expect(parseFailure({ Error: 'X', Cause: '[1,2]' })).toEqual({ code: 'X', message: '[1,2]' });
  });

  test('truncates very long messages', () => {
    const failure = parseFailure({ Error: 'S3.AccessDenied', Cause: 'x'.repeat(5_000) });
    expect(failure.message).toHaveLength(1_000);
    expect(failure.message.endsWith('…')).toBe(true);
  });
});
