import { LocalCloud } from './local-cloud';
import { ExecutionRecord } from '../engine/execution-record';

/** The orchestrator's executions the inputs' events started. */
export interface InputRuns {
  /** Every execution of the orchestrator (a duplicate event starts no other). */
  readonly executions: readonly ExecutionRecord[];
  /** Each input's execution, in the inputs' order; undefined where none started (the notification or the trigger failed). */
  readonly byInput: ReadonlyArray<ExecutionRecord | undefined>;
}

/** The executions the trigger started for the inputs; with none, only when the events' delivery failed. */
export function startedRuns(cloud: LocalCloud, orchestratorArn: string, inputKeys: readonly string[], deliveryFailure?: Error): InputRuns {
  const executions = [...cloud.stepFunctions.executions.values()].filter((e) => e.stateMachineArn === orchestratorArn);
  if (executions.length === 0 && !deliveryFailure) throw new Error('The trigger did not start the orchestrator');
  const executionOf = (key: string) => executions.find((e) => (e.input as { key?: string } | undefined)?.key === key);
  const [first, ...others] = inputKeys;
  // The first input's run is the one reported: any execution stands for it when none names its key.
  return { executions, byInput: [executionOf(first) ?? executions[0], ...others.map(executionOf)] };
}

/**
 * Waits for every execution to end and EventBridge to deliver what they put on the buses; with `redrive`, the first
 * input's run, if it did not succeed, is redriven once, as `aws stepfunctions redrive-execution` would. Resolves with
 * the number of redrives.
 */
export async function awaitRuns(cloud: LocalCloud, runs: InputRuns, redrive = false): Promise<number> {
  await Promise.all(runs.executions.map((e) => e.done));
  // A run that did not succeed is reported from its status change, through EventBridge.
  await cloud.settleEvents();
  const [execution] = runs.byInput;
  if (!redrive || !execution || execution.status === 'SUCCEEDED') return 0;
  // The cause is fixed: no more injected faults. Then the run resumes where it stopped.
  await cloud.endFaults();
  cloud.stepFunctions.redriveExecution(execution.executionArn);
  await execution.done;
  await cloud.settleEvents();
  return 1;
}
