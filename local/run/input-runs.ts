import { LocalCloud } from './local-cloud';
import { ExecutionRecord } from '../engine/execution-record';

/** The orchestrator's executions the inputs' events started. */
export interface InputRuns {
  /** Every execution of the orchestrator (a duplicate event starts no other). */
  readonly executions: readonly ExecutionRecord[];
  /** Each input's execution, in the inputs' order; undefined where none started (the notification or the trigger failed). */
  readonly byInput: ReadonlyArray<ExecutionRecord | undefined>;
}

/** The executions the trigger started for the inputs; with none, only when every event's delivery failed. */
export function startedRuns(
  cloud: LocalCloud, orchestratorArn: string, inputKeys: readonly string[], deliveryFailures: ReadonlyArray<Error | undefined>,
): InputRuns {
  const executions = [...cloud.stepFunctions.executions.values()].filter((e) => e.stateMachineArn === orchestratorArn);
  if (executions.length === 0 && deliveryFailures.some((failure) => failure === undefined)) throw new Error('The trigger did not start the orchestrator');
  const executionOf = (key: string) => executions.find((e) => (e.input as { key?: string } | undefined)?.key === key);
  // A single input's run is the one execution when none names its key.
  if (inputKeys.length === 1) return { executions, byInput: [executionOf(inputKeys[0]) ?? executions[0]] };
  return { executions, byInput: inputKeys.map(executionOf) };
}

/**
 * Waits for every execution to end and EventBridge to deliver what they put on the buses; with `redrive`, each
 * input's run that did not succeed is redriven once, as `aws stepfunctions redrive-execution` would. Resolves with
 * each input's number of redrives, in the inputs' order.
 */
export async function awaitRuns(cloud: LocalCloud, runs: InputRuns, redrive = false): Promise<number[]> {
  await Promise.all(runs.executions.map((e) => e.done));
  // A run that did not succeed is reported from its status change, through EventBridge.
  await cloud.settleEvents();
  const redriven = runs.byInput.map((execution) => redrive && execution !== undefined && execution.status !== 'SUCCEEDED');
  if (!redriven.includes(true)) return redriven.map(() => 0);
  // The cause is fixed: no more injected faults. Then the runs resume where they stopped.
  await cloud.endFaults();
  const executions = runs.byInput.filter((_, i) => redriven[i]) as ExecutionRecord[];
  for (const execution of executions) cloud.stepFunctions.redriveExecution(execution.executionArn);
  await Promise.all(executions.map((execution) => execution.done));
  await cloud.settleEvents();
  return redriven.map((r) => (r ? 1 : 0));
}
