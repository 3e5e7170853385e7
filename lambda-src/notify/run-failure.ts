/**
 * What a run that did not succeed reports: its failure, read from the orchestrator's status
 * change, and how to resume it. A redrive restarts the execution from the step that failed and
 * is possible for 14 days after it stopped, whether it failed, timed out or was aborted
 * (https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html).
 */
import { FailureCause, parseFailure } from './failure-cause';
import { ExecutionStatusChange, RedriveInstructions } from '../../src/contract/run-payloads';

const REDRIVE_WINDOW_MS = 14 * 24 * 3600 * 1000;

/** The failure of an execution, by its final status and the error and cause the event carries. */
export function failureOfExecution(detail: ExecutionStatusChange['detail']): FailureCause {
  if (detail.error) return parseFailure({ Error: detail.error, Cause: detail.cause ?? undefined });
  switch (detail.status) {
    case 'TIMED_OUT': return { code: 'States.Timeout', message: 'the run did not finish within its time limit (runTimeout): the execution timed out' };
    case 'ABORTED': return { code: 'ExecutionAborted', message: 'the run was stopped (its execution was aborted)' };
    default: return { code: 'Unknown', message: `the execution ended ${detail.status} without an error` };
  }
}

/** The command that resumes the run once its cause is fixed, and until when it can. */
export function redriveInstructions(executionArn: string, stopDate?: number | null): RedriveInstructions {
  return {
    command: `aws stepfunctions redrive-execution --execution-arn ${executionArn}`,
    ...(stopDate ? { possibleUntil: new Date(stopDate + REDRIVE_WINDOW_MS).toISOString() } : {}),
  };
}

/** The part of a GetExecutionHistory event read here. */
export interface HistoryEntry {
  readonly type?: string;
  readonly stateEnteredEventDetails?: { readonly name?: string };
}

/** The state whose failure ended the execution: the last one entered, in a history read newest first. */
export function failedStepOf(newestFirst: ReadonlyArray<HistoryEntry>): string | undefined {
  return newestFirst.find((event) => event.stateEnteredEventDetails?.name !== undefined)?.stateEnteredEventDetails?.name;
}
