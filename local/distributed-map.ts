/**
 * Distributed Map emulation. aws-local-stepfunctions validates a DISTRIBUTED Map but runs it as
 * an inline Map, ignoring ItemReader, ItemBatcher and the tolerated failure threshold. The runner
 * therefore rewrites each DISTRIBUTED Map into a Task whose local handler ({@link runDistributedMap})
 * does what the Map Run does on AWS:
 *
 * - reads the items with the ItemReader (a JSON array in S3; `Parameters` evaluated on the state input),
 * - applies ItemSelector per item (with `$$.Map.Item.Index`/`Value`), then ItemBatcher if any,
 * - runs the ItemProcessor as one child execution per item (or batch), at most MaxConcurrency at once,
 * - fails with `States.ExceedToleratedFailureThreshold` when the failed children exceed
 *   ToleratedFailurePercentage/ToleratedFailureCount (0 when not set), and then starts no more children,
 * - returns the array of child outputs, in item order.
 *
 * InputPath, ResultSelector, ResultPath, OutputPath, Retry and Catch stay on the rewritten state, so
 * the engine applies them as it would to the Map. Differences: no ResultWriter, no Map Run
 * resource or redrive; children still running when the threshold is crossed are awaited, not aborted.
 */

export interface ReaderConfig {
  readonly InputType?: string;
  readonly MaxItems?: number;
}

export interface MapState {
  readonly Type: 'Map';
  readonly ItemProcessor?: { ProcessorConfig?: { Mode?: string; ExecutionType?: string }; StartAt: string; States: Record<string, any> };
  readonly Iterator?: { StartAt: string; States: Record<string, any> };
  readonly ItemReader?: { Resource: string; Parameters?: Record<string, unknown>; ReaderConfig?: ReaderConfig };
  readonly ItemSelector?: Record<string, unknown>;
  readonly Parameters?: Record<string, unknown>;
  readonly ItemsPath?: string;
  readonly ItemBatcher?: { MaxItemsPerBatch?: number; BatchInput?: Record<string, unknown> };
  readonly MaxConcurrency?: number;
  readonly ToleratedFailurePercentage?: number;
  readonly ToleratedFailureCount?: number;
  readonly [field: string]: unknown;
}

/** The resource of the Task a DISTRIBUTED Map is rewritten into (never called on AWS). */
export const DISTRIBUTED_MAP_RESOURCE = 'arn:aws:states:::local:distributedMap';

/** Default TimeoutSeconds of rewritten states: the Map has none on AWS; the engine's setTimeout overflows above 2,147,483 s. */
export const NO_TIMEOUT_SECONDS = 2_000_000;

export interface RewrittenDefinition {
  readonly definition: any;
  /** The original DISTRIBUTED Map states, by state name. */
  readonly maps: Record<string, MapState>;
}

export function isDistributedMap(state: any): state is MapState {
  return state?.Type === 'Map' && state.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED';
}

/** Replaces each top-level DISTRIBUTED Map state of `definition` with a Task that the runner handles. */
export function rewriteDistributedMaps(definition: any): RewrittenDefinition {
  const maps: Record<string, MapState> = {};
  const states: Record<string, any> = {};
  for (const [name, state] of Object.entries<any>(definition.States)) {
    if (!isDistributedMap(state)) {
      states[name] = state;
      continue;
    }
    maps[name] = state;
    const kept: Record<string, unknown> = {};
    for (const field of ['Comment', 'InputPath', 'ResultSelector', 'ResultPath', 'OutputPath', 'Retry', 'Catch', 'Next', 'End']) {
      if (field in state) kept[field] = state[field];
    }
    states[name] = { Type: 'Task', Resource: DISTRIBUTED_MAP_RESOURCE, TimeoutSeconds: NO_TIMEOUT_SECONDS, ...kept };
  }
  return { definition: { ...definition, States: states }, maps };
}

export interface DistributedMapDependencies {
  /** The parent's context object (Execution, StateMachine…), for `$$` paths in ItemSelector. */
  readonly context: Record<string, unknown>;
  /** Evaluates a payload template (Parameters/ItemSelector) on `input` with the given context object. */
  evaluate(template: Record<string, unknown>, input: unknown, context: Record<string, unknown>): Promise<unknown>;
  /** Reads an ItemReader source: the reader's resolved Parameters (Bucket, Key…) → the items. */
  readItems(resource: string, parameters: any, readerConfig?: ReaderConfig): Promise<unknown[]>;
  /** Runs the ItemProcessor as a child execution on one item; rejects with the child's error when it fails. */
  runChild(processor: NonNullable<MapState['ItemProcessor']>, input: unknown, index: number): Promise<unknown>;
  /** Told once the number of children is known, then each time one ends. */
  onProgress?(event: { total: number; done: number; failed: number }): void;
}

export class ExceedToleratedFailureThreshold extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'States.ExceedToleratedFailureThreshold';
  }
}

/** JSONPath `$.a.b` on plain objects, enough for ItemsPath (the engine evaluates everything else). */
function selectPath(value: any, path: string): unknown {
  if (path === '$') return value;
  return path.replace(/^\$\.?/, '').split('.').filter(Boolean).reduce((v, k) => v?.[k], value);
}

/** The number of failures the Map Run tolerates for `total` children. */
export function toleratedFailures(state: Pick<MapState, 'ToleratedFailurePercentage' | 'ToleratedFailureCount'>, total: number): number {
  const byCount = state.ToleratedFailureCount ?? 0;
  const byPercentage = Math.floor(((state.ToleratedFailurePercentage ?? 0) / 100) * total);
  return Math.max(byCount, byPercentage);
}

/** Runs one Distributed Map state on its (InputPath-applied) input. */
export async function runDistributedMap(state: MapState, input: unknown, deps: DistributedMapDependencies): Promise<unknown[]> {
  let items: unknown[];
  if (state.ItemReader) {
    const parameters = await deps.evaluate(state.ItemReader.Parameters ?? {}, input, deps.context);
    items = await deps.readItems(state.ItemReader.Resource, parameters, state.ItemReader.ReaderConfig);
    const maxItems = state.ItemReader.ReaderConfig?.MaxItems;
    if (maxItems) items = items.slice(0, maxItems);
  } else {
    const selected = selectPath(input, state.ItemsPath ?? '$');
    if (!Array.isArray(selected)) throw Object.assign(new Error(`ItemsPath ${state.ItemsPath ?? '$'} did not select an array`), { name: 'States.Runtime' });
    items = selected;
  }

  const selector = state.ItemSelector ?? state.Parameters;
  const selected: unknown[] = [];
  for (let index = 0; index < items.length; index++) {
    const mapContext = { ...deps.context, Map: { Item: { Index: index, Value: items[index] } } };
    selected.push(selector ? await deps.evaluate(selector, input, mapContext) : items[index]);
  }

  let inputs: unknown[] = selected;
  if (state.ItemBatcher) {
    const size = state.ItemBatcher.MaxItemsPerBatch ?? selected.length;
    const batchInput = state.ItemBatcher.BatchInput ? await deps.evaluate(state.ItemBatcher.BatchInput, input, deps.context) as object : undefined;
    inputs = [];
    for (let i = 0; i < selected.length; i += size) {
      inputs.push({ ...(batchInput ? { BatchInput: batchInput } : {}), Items: selected.slice(i, i + size) });
    }
  }

  const processor = state.ItemProcessor!;
  const total = inputs.length;
  const tolerated = toleratedFailures(state, total);
  // 0 or absent = as many as the service allows (10,000 child executions at once on AWS).
  const concurrency = Math.min(state.MaxConcurrency || 10_000, Math.max(total, 1));
  const results: unknown[] = new Array(total);
  let next = 0;
  let done = 0;
  let failed = 0;
  let firstFailure: Error | undefined;
  deps.onProgress?.({ total, done, failed });

  const worker = async () => {
    while (next < total && failed <= tolerated) {
      const index = next++;
      try {
        results[index] = await deps.runChild(processor, inputs[index], index);
      } catch (err) {
        failed++;
        firstFailure ??= err as Error;
        results[index] = { Error: (err as Error).name, Cause: (err as Error).message };
      }
      done++;
      deps.onProgress?.({ total, done, failed });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));

  if (failed > tolerated) {
    throw new ExceedToleratedFailureThreshold(
      `The Map Run failed: ${failed} of ${total} child executions failed, more than the ${tolerated} tolerated. First failure: ${firstFailure?.name}: ${firstFailure?.message}`,
    );
  }
  return results;
}
