/**
 * How runs take turns (src/run-queue.ts builds the table and the states, lambda-src/run-turns.ts
 * keeps the queue): at most `maxConcurrentRuns` runs past their orchestrator's TakeTurn state at
 * once, the others waiting in upload order. Nothing here may import aws-cdk-lib: it is bundled into
 * the Lambda handlers.
 */
import { RunRequest } from './run-payloads';

/** The run queue table's keys: what kind of item, and which one. */
export const RUN_QUEUE_KEYS = { partitionKey: 'kind', sortKey: 'id' } as const;

/** The attribute the table's time to live reads (epoch seconds). */
export const RUN_QUEUE_TTL_ATTRIBUTE = 'expiresAt';

/**
 * What TakeTurn asks run-turns: the run's request (the orchestrator's whole state: a `RunRequest`,
 * with the previous answer once it has waited) and the execution's own context
 * (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html).
 */
export interface TakeTurnRequest {
  readonly run: RunRequest;
  /** `$$.Execution.Id`: its state machine's name is the metrics' dimension. */
  readonly executionArn: string;
  /** `$$.Execution.StartTime`: the ticket of a run started without one. */
  readonly startTime: string;
  /** `$$.Execution.RedriveCount`: tells this attempt of the run from the one a release ended. */
  readonly redriveCount: number;
}

/** What run-turns answers TakeTurn (`RunState.turn`). */
export interface TurnAnswer {
  readonly admitted: boolean;
  /** How long to wait before asking again (WaitForTurn's SecondsPath): a whole number, 0 once admitted. */
  readonly waitSeconds: number;
}

/**
 * The ticket of an upload, which orders the queue: S3's event time (when S3 finished the request, to
 * the millisecond), then its sequencer, left-padded with zeros so that sequencers compare as strings,
 * as S3 says to compare them; the sequencer orders events of one key only, so it only breaks a tie
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
 * Undefined for an event without a readable time.
 */
export function uploadTicket(eventTime: string | undefined, sequencer: string | undefined): string | undefined {
  const time = eventTime === undefined ? Number.NaN : Date.parse(eventTime);
  if (Number.isNaN(time)) return undefined;
  return `${new Date(time).toISOString()}#${(sequencer ?? '').padStart(SEQUENCER_WIDTH, '0')}`;
}

/** Wider than the sequencers S3 sends (16 to 18 hexadecimal digits in its examples). */
const SEQUENCER_WIDTH = 32;

/** A run's ticket: the upload's, or for a run started otherwise (StartExecution by hand) its execution's start. */
export function ticketOf(run: RunRequest, executionStartTime: string): string {
  return run.ticket ?? new Date(executionStartTime).toISOString();
}

/** The first wait of a run refused a turn, and the shortest cap of the waits. */
export const TURN_WAIT = { firstSeconds: 5, maxSeconds: 60 } as const;

/**
 * A Standard execution's history holds at most 25,000 events
 * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html), and each refused turn
 * costs 9: TakeTurn 5 (entered, scheduled, started, succeeded, exited), IsAdmitted 2, WaitForTurn 2.
 * Waiting gets 2,000 turns (18,000 events), and the first, shorter waits a few dozen more; the run's
 * own steps and their retries keep the rest.
 */
export const MAX_TURNS = 2_000;

/**
 * The longest wait between two turns: a minute, or longer when the run's timeout allows more than
 * `MAX_TURNS` turns. A wait is at least half of it (turnWaitSeconds), so a run that waits for its
 * whole timeout asks at most about `MAX_TURNS` times.
 */
export function turnWaitCapSeconds(runTimeoutSeconds: number): number {
  return Math.max(TURN_WAIT.maxSeconds, Math.ceil((2 * runTimeoutSeconds) / MAX_TURNS));
}

/**
 * How long a refused run waits before asking again: about as long as it has waited so far (so the
 * waits double), from `TURN_WAIT.firstSeconds` up to the cap, with jitter over the upper half so
 * that the runs of one burst do not ask in step. `random` is in [0, 1).
 */
export function turnWaitSeconds(waitedSeconds: number, capSeconds: number, random: number): number {
  const base = Math.min(capSeconds, Math.max(TURN_WAIT.firstSeconds, waitedSeconds));
  return Math.max(1, Math.ceil(base / 2 + (random * base) / 2));
}
