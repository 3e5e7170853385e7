/**
 * What the engine runs of a state machine's definition: with the timeouts AWS gives, and each Distributed Map
 * rewritten into the Task that emulates it.
 */
import { mapStates } from './asl-walk';
import { MapState, NO_TIMEOUT_SECONDS, rewriteDistributedMaps } from './distributed-map';

export interface RunnableDefinition {
  readonly definition: any;
  /** The Distributed Map states rewritten, by state name. */
  readonly maps: Record<string, MapState>;
  /** The Express duration limit the execution ends at, when it comes before the definition's own TimeoutSeconds. */
  readonly expressLimitSeconds?: number;
}

/** Gives Tasks without TimeoutSeconds no timeout (as on AWS) instead of the engine's 60 s default. */
function withTaskTimeouts(definition: any): any {
  return mapStates(definition, (state) => (state.Type === 'Task' && state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined
    ? { ...state, TimeoutSeconds: NO_TIMEOUT_SECONDS }
    : state));
}

/** @param expressLimitSeconds how long an Express execution may run; undefined for a Standard one */
export function runnableDefinition(definition: any, expressLimitSeconds: number | undefined): RunnableDefinition {
  const { definition: rewritten, maps } = rewriteDistributedMaps(withTaskTimeouts(definition));
  // An Express execution ends at its limit, or earlier at the state machine's own TimeoutSeconds.
  if (expressLimitSeconds === undefined || rewritten.TimeoutSeconds <= expressLimitSeconds) return { definition: rewritten, maps };
  return { definition: { ...rewritten, TimeoutSeconds: expressLimitSeconds }, maps, expressLimitSeconds };
}
