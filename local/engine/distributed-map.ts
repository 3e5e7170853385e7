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
 * - with a ResultWriter, writes what AWS's ResultWriter writes under `<Prefix>/<map run id>/`: a
 *   `manifest.json` listing the result files by status and `SUCCEEDED_0.json`, `FAILED_0.json`,
 *   `PENDING_0.json` (each a JSON array of the child executions, input and output as JSON strings),
 *   and returns `{ MapRunArn, ResultWriterDetails: { Bucket, Key } }` instead of the results
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html); the
 *   files are written when the Map Run ends, also when it fails (an assumption: the
 *   documentation does not say whether a failed Map Run exports its results),
 * - keeps the Map Run (each child's outcome and the result files it wrote) so that a redrive re-runs only
 *   the children that failed or never started, as a Map Run redrive does
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/redrive-map-run.html),
 * - after a redrive, writes the ResultWriter's files as read below.
 *
 * The ResultWriter after a Map Run redrive. What the documentation says: a redrive resumes the same Map Run,
 * its ARN unchanged (`MapRunRedriven` events carry "the ARN of a Map Run that was redriven" and a redrive count,
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_MapRunRedrivenEventDetails.html), so its
 * results go to the same `<Prefix>/<map run id>/` folder; the ResultWriter writes child executions' results,
 * counted per child execution in `resultsWritten`
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_MapRunExecutionCounts.html), into files by
 * status listed in `manifest.json` (input-output-resultwriter.html above). What it does not say: whether a
 * redrive rewrites the results of the children that had already ended, or the files of the first attempt.
 * The reading implemented: results already written stay written. The redrive writes the results of the children
 * it ran (and of those it left unstarted) into new files, numbered on from the Map Run's earlier files of the same
 * status (`SUCCEEDED_1.json` after `SUCCEEDED_0.json`), and rewrites `manifest.json` to list the earlier files and
 * the new ones. A chunk that failed and then succeeded on the redrive is therefore listed twice, FAILED in the
 * first attempt's file and SUCCEEDED in the redrive's; a child that succeeded the first time is listed once.
 * Assumed where the documentation is silent: the numbering per status, and that the earlier files are neither
 * rewritten nor deleted. The other readings (a chunk listed once with its latest status; only the redriven
 * children listed, in the same or a new folder) are what lambda-src/merge/map-results.ts also accepts: it counts
 * a chunk SUCCEEDED when any entry is, and looks for chunks the manifest leaves out in the run's other manifests.
 * A Map Run that a redrive starts anew (one that had not started, https://docs.aws.amazon.com/step-functions/latest/dg/redrive-map-run.html)
 * gets a new ARN, so a new folder, here as there.
 *
 * InputPath, ResultSelector, ResultPath, OutputPath, Retry and Catch stay on the rewritten state, so
 * the engine applies them as it would to the Map. When the execution the Map belongs to ends (stopped, timed
 * out, or the local cloud closing), the Map Run is aborted: no more children start, those running are stopped
 * (by the caller: `signal`), and the Map Run ends with them. Differences: children still running when the
 * threshold is crossed are awaited, not aborted; one result file per status (AWS splits them at 5 GB).
 */
import { mapStates } from './asl-walk';
import { namedError } from '../shared/named-error';

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
  readonly ResultWriter?: { Resource: string; Parameters?: Record<string, unknown> };
  readonly Label?: string;
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

/**
 * Replaces each DISTRIBUTED Map state of `definition`, at any depth (in a Parallel branch, in an inline Map's
 * processor), with a Task that the runner handles. A Distributed Map's own ItemProcessor is left as it is: it runs
 * as the definition of the child executions, whose Distributed Maps are rewritten when they run.
 */
export function rewriteDistributedMaps(definition: any): RewrittenDefinition {
  const maps: Record<string, MapState> = {};
  const rewritten = mapStates(definition, (state, name) => {
    if (!isDistributedMap(state)) return state;
    maps[name] = state;
    const kept: Record<string, unknown> = {};
    for (const field of ['Comment', 'InputPath', 'ResultSelector', 'ResultPath', 'OutputPath', 'Retry', 'Catch', 'Next', 'End']) {
      if (field in state) kept[field] = state[field];
    }
    return { Type: 'Task', Resource: DISTRIBUTED_MAP_RESOURCE, TimeoutSeconds: NO_TIMEOUT_SECONDS, ...kept };
  });
  return { definition: rewritten, maps };
}

/** How one child execution of a Map Run ended (or that it never started). */
export interface ChildExecution {
  readonly status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING';
  readonly executionArn?: string;
  readonly name?: string;
  readonly input: unknown;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  readonly startDate?: Date;
  readonly stopDate?: Date;
}

/** A ResultWriter's result files, by status, as `manifest.json` lists them. */
export type ResultFiles = Record<'FAILED' | 'PENDING' | 'SUCCEEDED', Array<{ Key: string; Size: number }>>;

/** A Map Run: what a redrive of the Map needs to re-run only what did not succeed. */
export interface MapRun {
  readonly mapRunArn: string;
  readonly children: ChildExecution[];
  /** The result files its ResultWriter has written so far (none without a ResultWriter, or when writing failed). */
  readonly resultFiles?: ResultFiles;
}

export interface DistributedMapDependencies {
  /** The parent's context object (Execution, StateMachine…), for `$$` paths in ItemSelector. */
  readonly context: Record<string, unknown>;
  /** The ARN of this Map Run: `mapRun:<state machine>/<label>:<id>`. */
  readonly mapRunArn: string;
  /** The Map Run being redriven: its succeeded children are kept, the others run again. */
  readonly previous?: MapRun;
  /** Aborted when the Map Run is to stop (its execution has ended): no more children start. @default never */
  readonly signal?: AbortSignal;
  /** Evaluates a payload template (Parameters/ItemSelector) on `input` with the given context object. */
  evaluate(template: Record<string, unknown>, input: unknown, context: Record<string, unknown>): Promise<unknown>;
  /** Reads an ItemReader source: the reader's resolved Parameters (Bucket, Key…) → the items. */
  readItems(resource: string, parameters: any, readerConfig?: ReaderConfig): Promise<unknown[]>;
  /** Runs the ItemProcessor as a child execution on one item, to its end. */
  runChild(processor: NonNullable<MapState['ItemProcessor']>, input: unknown, index: number): Promise<ChildExecution>;
  /** Writes a ResultWriter's files: the writer's resolved Parameters (Bucket, Prefix) and each file's key and JSON text. */
  writeResults?(resource: string, parameters: any, files: ReadonlyArray<{ key: string; body: string }>): Promise<void>;
  /** Told once the number of children is known, then each time one ends. */
  onProgress?(event: { total: number; done: number; failed: number }): void;
  /** Told when the Map Run ends, with every child's outcome, so that a redrive can resume it. */
  onMapRun?(run: MapRun): void;
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

async function childInputs(state: MapState, input: unknown, deps: DistributedMapDependencies): Promise<unknown[]> {
  let items: unknown[];
  if (state.ItemReader) {
    const parameters = await deps.evaluate(state.ItemReader.Parameters ?? {}, input, deps.context);
    items = await deps.readItems(state.ItemReader.Resource, parameters, state.ItemReader.ReaderConfig);
    const maxItems = state.ItemReader.ReaderConfig?.MaxItems;
    if (maxItems) items = items.slice(0, maxItems);
  } else {
    const selected = selectPath(input, state.ItemsPath ?? '$');
    if (!Array.isArray(selected)) throw namedError('States.Runtime', `ItemsPath ${state.ItemsPath ?? '$'} did not select an array`);
    items = selected;
  }

  const selector = state.ItemSelector ?? state.Parameters;
  const selected: unknown[] = [];
  for (let index = 0; index < items.length; index++) {
    const mapContext = { ...deps.context, Map: { Item: { Index: index, Value: items[index] } } };
    selected.push(selector ? await deps.evaluate(selector, input, mapContext) : items[index]);
  }
  if (!state.ItemBatcher) return selected;
  const size = state.ItemBatcher.MaxItemsPerBatch ?? selected.length;
  const batchInput = state.ItemBatcher.BatchInput ? await deps.evaluate(state.ItemBatcher.BatchInput, input, deps.context) as object : undefined;
  const batches: unknown[] = [];
  for (let i = 0; i < selected.length; i += size) {
    batches.push({ ...(batchInput ? { BatchInput: batchInput } : {}), Items: selected.slice(i, i + size) });
  }
  return batches;
}

/** A child as the ResultWriter exports it: DescribeExecution's fields, input and output as JSON strings. */
function exportedChild(child: ChildExecution): Record<string, unknown> {
  const iso = (date?: Date) => date?.toISOString();
  return {
    ...(child.executionArn ? { ExecutionArn: child.executionArn, Name: child.name } : {}),
    Input: JSON.stringify(child.input),
    InputDetails: { Included: true },
    ...(child.status === 'SUCCEEDED' ? { Output: JSON.stringify(child.output ?? null), OutputDetails: { Included: true } } : {}),
    ...(child.error !== undefined ? { Error: child.error, Cause: child.cause ?? '' } : {}),
    Status: child.status,
    ...(child.startDate ? { StartDate: iso(child.startDate) } : {}),
    ...(child.stopDate ? { StopDate: iso(child.stopDate) } : {}),
  };
}

/**
 * Writes the results of `written` (the children this attempt of the Map Run ran or left unstarted) into new
 * files after the Map Run's `earlier` ones, and a manifest listing both (see the module's comment).
 */
async function writeMapResults(
  state: MapState, input: unknown, mapRunArn: string, written: readonly ChildExecution[],
  earlier: ResultFiles | undefined, deps: DistributedMapDependencies,
): Promise<{ output: unknown; resultFiles: ResultFiles }> {
  const writer = state.ResultWriter!;
  if (!deps.writeResults) throw new Error('ResultWriter is not emulated here');
  const parameters = await deps.evaluate(writer.Parameters ?? {}, input, deps.context) as { Bucket: string; Prefix?: string };
  const mapRunId = mapRunArn.slice(mapRunArn.lastIndexOf(':') + 1);
  const folder = `${parameters.Prefix ? `${parameters.Prefix.replace(/\/$/, '')}/` : ''}${mapRunId}/`;
  const files: Array<{ key: string; body: string }> = [];
  const resultFiles: ResultFiles = {
    FAILED: [...earlier?.FAILED ?? []], PENDING: [...earlier?.PENDING ?? []], SUCCEEDED: [...earlier?.SUCCEEDED ?? []],
  };
  for (const status of ['SUCCEEDED', 'FAILED', 'PENDING'] as const) {
    // FAILED also lists children that timed out or were aborted.
    const children = written.filter((c) => (status === 'FAILED' ? ['FAILED', 'TIMED_OUT', 'ABORTED'].includes(c.status) : c.status === status));
    if (children.length === 0) continue;
    const file = { key: `${folder}${status}_${resultFiles[status].length}.json`, body: JSON.stringify(children.map(exportedChild)) };
    files.push(file);
    resultFiles[status].push({ Key: file.key, Size: Buffer.byteLength(file.body) });
  }
  const manifest = { key: `${folder}manifest.json`, body: JSON.stringify({ DestinationBucket: parameters.Bucket, MapRunArn: mapRunArn, ResultFiles: resultFiles }) };
  await deps.writeResults(writer.Resource, parameters, [...files, manifest]);
  return { output: { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: parameters.Bucket, Key: manifest.key } }, resultFiles };
}

/** Runs one Distributed Map state on its (InputPath-applied) input. */
export async function runDistributedMap(state: MapState, input: unknown, deps: DistributedMapDependencies): Promise<unknown> {
  const inputs = await childInputs(state, input, deps);
  const processor = state.ItemProcessor!;
  const total = inputs.length;
  const tolerated = toleratedFailures(state, total);
  const previous = deps.previous?.children.length === total ? deps.previous.children : undefined;
  const children: ChildExecution[] = inputs.map((childInput, index) =>
    (previous?.[index]?.status === 'SUCCEEDED' ? previous[index] : { status: 'PENDING', input: childInput }));
  const toRun = children.flatMap((child, index) => (child.status === 'PENDING' ? [index] : []));
  // 0 or absent = as many as the service allows (10,000 child executions at once on AWS).
  const concurrency = Math.min(state.MaxConcurrency || 10_000, Math.max(toRun.length, 1));
  let next = 0;
  let done = total - toRun.length;
  let failed = 0;
  let firstFailure: ChildExecution | undefined;
  deps.onProgress?.({ total, done, failed });

  const worker = async () => {
    while (next < toRun.length && failed <= tolerated && !deps.signal?.aborted) {
      const index = toRun[next++];
      const child = await deps.runChild(processor, inputs[index], index);
      children[index] = child;
      if (child.status !== 'SUCCEEDED') {
        failed++;
        firstFailure ??= child;
      }
      done++;
      deps.onProgress?.({ total, done, failed });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  // A redrive writes the results of the children it ran (or left unstarted) after the files the Map Run wrote
  // before; every child's when it had written none (its ResultWriter failed).
  let resultFiles = previous ? deps.previous?.resultFiles : undefined;
  const unwritten = resultFiles ? toRun.map((index) => children[index]) : children;
  let output: unknown;
  try {
    if (state.ResultWriter) ({ output, resultFiles } = await writeMapResults(state, input, deps.mapRunArn, unwritten, resultFiles, deps));
  } finally {
    deps.onMapRun?.({ mapRunArn: deps.mapRunArn, children, resultFiles });
  }

  if (failed > tolerated) {
    throw new ExceedToleratedFailureThreshold(
      `The Map Run failed: ${failed} of ${total} child executions failed, more than the ${tolerated} tolerated. First failure: ${firstFailure?.error}: ${firstFailure?.cause}`,
    );
  }
  return output ?? children.map((child) => (child.status === 'SUCCEEDED' ? child.output : { Error: child.error, Cause: child.cause }));
}
