/**
 * run-turns: keeps the run queue (lambda-src/turns/).
 * - From the orchestrator's TakeTurn state (`TakeTurnRequest`): whether the run may start now, or how
 *   long it waits before asking again (`TurnAnswer`).
 * - From the orchestrator's status change to SUCCEEDED, FAILED, TIMED_OUT or ABORTED (EventBridge,
 *   asynchronously): releases the run's turn or its place in the queue.
 * Each prints the queue's counts as metrics (`RunsWaiting`, `RunsRunning`).
 */
import { dynamoDbClient } from './shared/aws-clients';
import { embeddedMetricsLine, stateMachineNameOf } from './shared/embedded-metrics';
import { log } from './shared/logger';
import { DynamoDbQueueStore } from './turns/dynamodb-queue-store';
import { releaseTurn } from './turns/release-turn';
import { takeTurn } from './turns/take-turn';
import { RUN_TURNS_ENVIRONMENT } from '../src/contract/handler-environment';
import { RunQueueMetric } from '../src/contract/run-metrics';
import { ExecutionStatusChange } from '../src/contract/run-payloads';
import { TakeTurnRequest, TurnAnswer, ticketOf } from '../src/contract/run-turns';

export async function handler(event: TakeTurnRequest | ExecutionStatusChange): Promise<TurnAnswer | { released: boolean }> {
  const settings = RUN_TURNS_ENVIRONMENT.decode(process.env);
  const store = new DynamoDbQueueStore(dynamoDbClient(), settings.table);
  if ('detail-type' in event) {
    const { detail } = event;
    const outcome = await releaseTurn(store, { runId: detail.name, redriveCount: detail.redriveCount ?? 0 }, Math.floor(Date.now() / 1000));
    log.info(outcome.released ? 'turn released' : 'late event: a later attempt was released already', { runId: detail.name, status: detail.status });
    printCounts(detail.stateMachineArn, outcome);
    return { released: outcome.released };
  }
  const { run } = event;
  const outcome = await takeTurn(store, { runId: run.runId, ticket: ticketOf(run, event.startTime), redriveCount: event.redriveCount }, settings, {
    now: Date.now,
    random: Math.random,
  });
  log.info(outcome.admitted ? 'turn taken' : 'waiting for a turn', { runId: run.runId, waitSeconds: outcome.waitSeconds, running: outcome.running });
  printCounts(event.executionArn, outcome);
  return { admitted: outcome.admitted, waitSeconds: outcome.waitSeconds };
}

/** The counts this call knows, as metrics of the orchestrator the ARN names. */
function printCounts(arn: string, counts: { readonly running?: number; readonly waiting?: number }): void {
  const values: Record<string, number> = {};
  const known = (metric: RunQueueMetric, value: number | undefined) => {
    if (value !== undefined) values[metric] = value;
  };
  known('RunsRunning', counts.running);
  known('RunsWaiting', counts.waiting);
  if (Object.keys(values).length > 0) process.stdout.write(`${embeddedMetricsLine(stateMachineNameOf(arn), values, new Date())}\n`);
}
