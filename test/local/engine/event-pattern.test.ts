import { matchesPattern, UnsupportedPatternError } from '../../../local/engine/event-pattern';

// Examples after https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
// and .../eb-create-pattern-operators.html.
const event = {
  'source': 'aws.states',
  'detail-type': 'Step Functions Execution Status Change',
  'resources': ['arn:aws:states:us-east-1:1:execution:Orchestrator:run-1'],
  'detail': { status: 'FAILED', name: 'run-1', stateMachineArn: 'arn:aws:states:us-east-1:1:stateMachine:Orchestrator', redriveCount: 0, cause: null },
};

test('exact values: a list matches any of them; every field of the pattern must match', () => {
  expect(matchesPattern({ 'source': ['aws.states'], 'detail-type': ['Step Functions Execution Status Change'] }, event)).toBe(true);
  expect(matchesPattern({ detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'] } }, event)).toBe(true);
  expect(matchesPattern({ detail: { status: ['SUCCEEDED'] } }, event)).toBe(false);
  expect(matchesPattern({ source: ['aws.states'], detail: { status: ['SUCCEEDED'] } }, event)).toBe(false);
  expect(matchesPattern({ detail: { redriveCount: [0] } }, event)).toBe(true);
  expect(matchesPattern({ detail: { cause: [null] } }, event)).toBe(true);
});

test('a field missing from the event does not match, an array in the event matches by any element', () => {
  expect(matchesPattern({ detail: { missing: ['x'] } }, event)).toBe(false);
  expect(matchesPattern({ resources: ['arn:aws:states:us-east-1:1:execution:Orchestrator:run-1'] }, event)).toBe(true);
  expect(matchesPattern({ detail: { status: { nested: ['x'] } } } as any, event)).toBe(false);
});

test('operators: prefix, suffix, equals-ignore-case, anything-but, exists, numeric', () => {
  expect(matchesPattern({ detail: { stateMachineArn: [{ prefix: 'arn:aws:states:us-east-1:1:stateMachine:' }] } }, event)).toBe(true);
  expect(matchesPattern({ detail: { name: [{ suffix: '-1' }] } }, event)).toBe(true);
  expect(matchesPattern({ detail: { status: [{ 'equals-ignore-case': 'failed' }] } }, event)).toBe(true);
  expect(matchesPattern({ detail: { status: [{ 'anything-but': ['SUCCEEDED', 'RUNNING'] }] } }, event)).toBe(true);
  expect(matchesPattern({ detail: { status: [{ 'anything-but': 'FAILED' }] } }, event)).toBe(false);
  expect(matchesPattern({ detail: { name: [{ 'anything-but': { prefix: 'run-' } }] } }, event)).toBe(false);
  expect(matchesPattern({ detail: { error: [{ exists: false }] } }, event)).toBe(true);
  expect(matchesPattern({ detail: { name: [{ exists: false }] } }, event)).toBe(false);
  expect(matchesPattern({ detail: { redriveCount: [{ numeric: ['>=', 0, '<', 3] }] } }, event)).toBe(true);
  expect(matchesPattern({ detail: { redriveCount: [{ numeric: ['>', 0] }] } }, event)).toBe(false);
});

test('an operator the local EventBridge does not implement is refused, not matched wrongly', () => {
  expect(() => matchesPattern({ detail: { name: [{ wildcard: 'run-*' }] } }, event)).toThrow(UnsupportedPatternError);
});
