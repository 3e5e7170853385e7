import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { RecordEnricher, RecordValidator } from '../../src';
import { CHUNK_PROCESSOR_BUDGET, CHUNK_STEP_THROTTLED_ATTEMPT } from '../../src/chunk-time-budget';
import { LAMBDA_THROTTLING_ERRORS } from '../../src/handler-task';
import { stateMachineDefinition, synthesizeProcessor } from '../support/processor-template';

/** Step Functions' defaults (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html, state-task.html). */
const DEFAULT_TASK_TIMEOUT = 99_999_999;
const RETRIER_DEFAULTS = { IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 };

/**
 * The longest an execution of the chunk processor can take, from its definition alone: every Task
 * state on the way (a failing step leads to RecordChunkFailure, so all of them) at its timeout on
 * every attempt any of its retriers allows, plus each retrier's longest waits (full jitter waits at
 * most the backoff interval, capped by MaxDelaySeconds). An attempt that only a throttling retrier
 * retries was refused before the function ran: it counts as the Invoke's round trip
 * (CHUNK_STEP_THROTTLED_ATTEMPT), not the state's timeout.
 */
function worstCaseSeconds(definition: any): number {
  const throttledOnly = (retrier: any) => retrier.ErrorEquals.every((error: string) => LAMBDA_THROTTLING_ERRORS.includes(error));
  return Object.values<any>(definition.States).filter((state) => state.Type === 'Task').reduce((total, state) => {
    const retriers = (state.Retry ?? []).map((retrier: any) => ({ ...RETRIER_DEFAULTS, ...retrier }));
    const attempts = (full: boolean) => retriers.filter((retrier: any) => throttledOnly(retrier) !== full)
      .reduce((sum: number, retrier: any) => sum + retrier.MaxAttempts, 0);
    const waits = retriers.reduce((sum: number, retrier: any) => {
      for (let retry = 0; retry < retrier.MaxAttempts; retry++) {
        sum += Math.min(retrier.IntervalSeconds * retrier.BackoffRate ** retry, retrier.MaxDelaySeconds ?? Infinity);
      }
      return sum;
    }, 0);
    const timeout = state.TimeoutSeconds ?? DEFAULT_TASK_TIMEOUT;
    return total + timeout * (1 + attempts(true)) + CHUNK_STEP_THROTTLED_ATTEMPT.toSeconds() * attempts(false) + waits;
  }, 0);
}

function chunkProcessorOf(template: Template) {
  return stateMachineDefinition(template, 'ProcessorChunkProcessor');
}

const withEverything = () => synthesizeProcessor((stack) => ({
  validator: RecordValidator.fromLambda(new lambda.Function(stack, 'Check', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  })),
  enrichment: RecordEnricher.fromHttpEndpoint({ url: 'https://api.example.com/{uuid}' }),
})).template;

test('the chunk processor\'s worst case, every step timing out or throttled on every attempt, is at most 270 s of the Express 5 minutes', () => {
  expect(CHUNK_PROCESSOR_BUDGET.toSeconds()).toBe(270);
  const definition = chunkProcessorOf(withEverything());
  expect(Object.values<any>(definition.States).filter((state) => state.Type === 'Task').map((state) => state.Resource)).toHaveLength(4);
  // src/chunk-time-budget.ts: 3 × 2 timeouts and 1 s waits (234 s), 3 throttled attempts of 1 s and 7 s of waits on each Lambda step.
  expect(worstCaseSeconds(definition)).toBe(264);
  expect(worstCaseSeconds(definition)).toBeLessThanOrEqual(CHUNK_PROCESSOR_BUDGET.toSeconds());
  expect(worstCaseSeconds(chunkProcessorOf(synthesizeProcessor().template))).toBeLessThanOrEqual(CHUNK_PROCESSOR_BUDGET.toSeconds());
});

test('the budget counts a throttling retrier\'s attempts and waits: one more throttled retry of a step is over it', () => {
  const definition = chunkProcessorOf(withEverything());
  const throttling = definition.States.EnrichChunk.Retry.find((retrier: any) => retrier.ErrorEquals.includes('Lambda.TooManyRequestsException'));
  throttling.MaxAttempts += 1;
  // One more attempt (1 s) and its wait (capped at 4 s).
  expect(worstCaseSeconds(definition)).toBe(269);
  throttling.MaxAttempts += 1;
  expect(worstCaseSeconds(definition)).toBeGreaterThan(CHUNK_PROCESSOR_BUDGET.toSeconds());
});

test('every Task state of the chunk processor states its timeout, and a Lambda step\'s is its function\'s timeout', () => {
  const template = withEverything();
  const functions = template.findResources('AWS::Lambda::Function');
  const tasks = Object.entries<any>(chunkProcessorOf(template).States).filter(([, state]) => state.Type === 'Task');
  for (const [name, state] of tasks) {
    expect([name, state.TimeoutSeconds]).toEqual([name, expect.any(Number)]);
    const functionId = /^<(\w+)>$/.exec(state.Resource)?.[1];
    if (functionId !== undefined) expect([name, state.TimeoutSeconds]).toEqual([name, functions[functionId].Properties.Timeout]);
  }
  expect(tasks.filter(([, state]) => /^<\w+>$/.test(state.Resource)).map(([name]) => name).sort()).toEqual(['EnrichChunk', 'RecordRejects', 'ValidateChunk']);
});

test('an HTTP enricher whose timeout and attempts do not fit in the enrich-chunk function\'s time is refused, naming both props', () => {
  // 10 attempts of 5 s and the waits between them: 71.3 s.
  expect(() => RecordEnricher.fromHttpEndpoint({ url: 'https://example.com/{id}', maxAttempts: 10 }))
    .toThrow('enrichment: timeout (5 s) × maxAttempts (10) plus the waits between attempts (up to 21.3 s) is 71.3 s, more than the 60 s one request may take (the enrich-chunk function\'s 70 s timeout less 10 s to read and write the chunk): lower timeout or maxAttempts');
  expect(() => RecordEnricher.fromHttpEndpoint({ url: 'https://example.com/{id}', timeout: Duration.seconds(30), maxAttempts: 2 })).toThrow(/lower timeout or maxAttempts/);
  expect(() => RecordEnricher.fromHttpEndpoint({ url: 'https://example.com/{id}', timeout: Duration.seconds(60), maxAttempts: 1 })).not.toThrow();
  expect(() => RecordEnricher.fromHttpEndpoint({ url: 'https://example.com/{id}', timeout: Duration.seconds(10), maxAttempts: 5 })).not.toThrow();
  expect(() => RecordEnricher.fromHttpEndpoint({ url: 'https://example.com/{id}' })).not.toThrow();
});
