import { FailureCause } from './failure-cause';
import { NotifyTask, RunSummary } from '../shared/contracts';

export interface SummaryFacts {
  readonly finishedAt: Date;
  /** From the run plan, when split-input got as far as writing it. */
  readonly startedAt?: string;
  readonly failure?: FailureCause;
}

/** The run summary written next to the output, from the orchestrator's state at the end of the run. */
export function buildRunSummary(task: NotifyTask, facts: SummaryFacts): RunSummary {
  const succeeded = task.status === 'SUCCEEDED';
  const startedMs = facts.startedAt === undefined ? NaN : Date.parse(facts.startedAt);
  return {
    runId: task.runId,
    status: task.status,
    input: { bucket: task.bucket, key: task.key },
    ...(task.merge ? { records: task.merge.records } : {}),
    ...(task.split ? { chunks: task.split.chunkCount } : {}),
    // A failed run publishes nothing: its output is deleted, so the summary does not point to it.
    ...(succeeded && task.merge ? { output: task.merge.outputKey, rejects: task.merge.rejectsKey } : {}),
    ...(facts.failure ? { error: facts.failure } : {}),
    ...(facts.startedAt !== undefined ? { startedAt: facts.startedAt } : {}),
    finishedAt: facts.finishedAt.toISOString(),
    ...(Number.isFinite(startedMs) ? { durationMs: facts.finishedAt.getTime() - startedMs } : {}),
  };
}
