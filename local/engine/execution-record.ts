/**
 * The record of an execution: what DescribeExecution and GetExecutionHistory answer, kept from its start through
 * its end and each redrive.
 */

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** An entry of an execution's history, as GetExecutionHistory returns it (the fields kept locally). */
export interface HistoryEvent {
  readonly id: number;
  readonly timestamp: Date;
  readonly type: string;
  readonly stateEnteredEventDetails?: { readonly name: string };
  readonly executionFailedEventDetails?: { readonly error?: string; readonly cause?: string };
}

/** A state an execution entered, and its input. */
export interface EnteredState {
  readonly name: string;
  readonly input: unknown;
}

export interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: unknown;
  readonly startDate: Date;
  status: ExecutionStatus;
  output?: unknown;
  error?: string;
  cause?: string;
  stopDate?: Date;
  /** How many times the execution was redriven. */
  redriveCount: number;
  /** The top-level states entered, oldest first, and how the execution ended. */
  readonly history: HistoryEvent[];
  /** The state running when the execution stopped, and its input: where a redrive resumes. */
  resumeAt?: EnteredState;
  /** Settles when the execution (or its latest redrive) ends (never rejects). */
  done: Promise<ExecutionRecord>;
}

/** How an execution ended: its status, and its output or its error. */
export interface ExecutionEnd {
  readonly status: Exclude<ExecutionStatus, 'RUNNING'>;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
}

/** A RUNNING execution's record; its `done` is for whoever runs it to set. */
export function newExecutionRecord(executionArn: string, stateMachineArn: string, name: string, input: unknown): ExecutionRecord {
  const record = { executionArn, stateMachineArn, name, input, startDate: new Date(), status: 'RUNNING', redriveCount: 0, history: [] };
  return record as unknown as ExecutionRecord;
}

/** Records a state entered. */
export function recordStateEntered(record: ExecutionRecord, state: { readonly name: string; readonly type: string }): void {
  record.history.push({ id: record.history.length + 1, timestamp: new Date(), type: `${state.type}StateEntered`, stateEnteredEventDetails: { name: state.name } });
}

/** Records a redrive: the execution runs again, without the outcome of its last attempt. */
export function recordRedrive(record: ExecutionRecord): void {
  Object.assign(record, { status: 'RUNNING', redriveCount: record.redriveCount + 1, stopDate: undefined, error: undefined, cause: undefined, output: undefined });
  record.history.push({ id: record.history.length + 1, timestamp: new Date(), type: 'ExecutionRedriven' });
}

const END_EVENT_TYPES: Record<ExecutionEnd['status'], string> = {
  SUCCEEDED: 'ExecutionSucceeded',
  FAILED: 'ExecutionFailed',
  TIMED_OUT: 'ExecutionTimedOut',
  ABORTED: 'ExecutionAborted',
};

/** Records the end of the execution (or of its latest redrive); `lastState` is where a redrive would resume it. */
export function recordEnd(record: ExecutionRecord, end: ExecutionEnd, lastState: EnteredState | undefined): void {
  Object.assign(record, end);
  record.resumeAt = record.status === 'SUCCEEDED' ? undefined : lastState;
  record.stopDate = new Date();
  record.history.push({
    id: record.history.length + 1,
    timestamp: record.stopDate,
    type: END_EVENT_TYPES[end.status],
    ...(record.status === 'FAILED' ? { executionFailedEventDetails: { error: record.error, cause: record.cause } } : {}),
  });
}
