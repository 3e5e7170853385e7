import { FailureCause } from './failure-cause';
import { RecordCounts, RedriveInstructions, RunSucceededTask, RunSummary } from '../../src/contract/run-payloads';

export interface SummaryTimes {
  readonly finishedAt: Date;
  /** From the run plan, when split-input got as far as writing it. */
  readonly startedAt?: string;
}

function times(facts: SummaryTimes): Pick<RunSummary, 'startedAt' | 'finishedAt' | 'durationMs'> {
  const startedMs = facts.startedAt === undefined ? NaN : Date.parse(facts.startedAt);
  return {
    ...(facts.startedAt !== undefined ? { startedAt: facts.startedAt } : {}),
    finishedAt: facts.finishedAt.toISOString(),
    ...(Number.isFinite(startedMs) ? { durationMs: facts.finishedAt.getTime() - startedMs } : {}),
  };
}

const redriven = (count: number | undefined) => (count ? { redriveCount: count } : {});

/** The summary of a run that published its output. */
export function succeededRunSummary(task: RunSucceededTask, facts: SummaryTimes): RunSummary {
  return {
    runId: task.runId,
    status: 'SUCCEEDED',
    executionArn: task.executionArn,
    input: { bucket: task.bucket, key: task.key },
    records: task.merge.records,
    chunks: task.split.chunkCount,
    output: task.merge.outputKey,
    rejects: task.merge.rejectsKey,
    ...redriven(task.redriveCount),
    ...times(facts),
  };
}

export interface FailedRunFacts extends SummaryTimes {
  readonly runId: string;
  readonly executionArn: string;
  readonly input: { readonly bucket: string; readonly key: string };
  readonly failure: FailureCause;
  readonly failedStep?: string;
  readonly redrive: RedriveInstructions;
  readonly redriveCount?: number;
  /** Known when the run got as far as merging. */
  readonly records?: RecordCounts;
  readonly chunks?: number;
}

/** The summary of a run that failed, timed out or was aborted: what failed, and how to resume it. A failed run publishes nothing. */
export function failedRunSummary(facts: FailedRunFacts): RunSummary {
  return {
    runId: facts.runId,
    status: 'FAILED',
    executionArn: facts.executionArn,
    input: facts.input,
    ...(facts.records ? { records: facts.records } : {}),
    ...(facts.chunks !== undefined ? { chunks: facts.chunks } : {}),
    error: facts.failure,
    ...(facts.failedStep ? { failedStep: facts.failedStep } : {}),
    redrive: facts.redrive,
    ...redriven(facts.redriveCount),
    ...times(facts),
  };
}
