/**
 * The outcome of each chunk, as the Distributed Map's ResultWriter exported it. The ResultWriter
 * writes, under `<prefix>/<map run id>/`, a `manifest.json` that lists result files by status,
 * and the result files, each a JSON array of the child executions with that status
 * (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html).
 * A chunk counts as processed only when its child execution SUCCEEDED: a chunk whose steps failed
 * after writing some of its files is failed, whatever files exist.
 */
import { ChunkTask } from '../shared/contracts';

/** `manifest.json` of a Map Run's exported results. */
export interface MapResultsManifest {
  readonly DestinationBucket: string;
  readonly MapRunArn: string;
  readonly ResultFiles: {
    readonly SUCCEEDED?: readonly ResultFileRef[];
    readonly FAILED?: readonly ResultFileRef[];
    readonly PENDING?: readonly ResultFileRef[];
  };
}

export interface ResultFileRef {
  readonly Key: string;
  readonly Size: number;
}

/** One child execution in a result file (the fields this project reads). */
export interface ChildExecutionResult {
  /** The child's input as a JSON string: here the ItemSelector's `ChunkTask`. */
  readonly Input: string;
  readonly Status: string;
  readonly Error?: string;
  readonly Cause?: string;
}

export type ChunkOutcome = 'SUCCEEDED' | 'FAILED';

/** Reads one result file's entries. */
export type ReadResultFile = (key: string) => Promise<readonly ChildExecutionResult[]>;

function chunkIndexOf(result: ChildExecutionResult): number {
  const index = (JSON.parse(result.Input) as Partial<ChunkTask>).chunk?.index;
  if (!Number.isInteger(index)) throw new Error(`a Map result's input names no chunk: ${result.Input.slice(0, 200)}`);
  return index as number;
}

/**
 * Each chunk's outcome, by chunk index: SUCCEEDED for the children that succeeded, FAILED for
 * those that failed or never finished (PENDING). A chunk the results do not account for, or
 * account for twice, stops the merge: publishing without knowing would lose its records.
 */
export async function chunkOutcomes(manifest: MapResultsManifest, chunkCount: number, read: ReadResultFile): Promise<ChunkOutcome[]> {
  const outcomes = new Array<ChunkOutcome | undefined>(chunkCount);
  const files = manifest.ResultFiles;
  const byStatus: Array<[ChunkOutcome, readonly ResultFileRef[] | undefined]> = [
    ['SUCCEEDED', files.SUCCEEDED], ['FAILED', files.FAILED], ['FAILED', files.PENDING],
  ];
  for (const [outcome, refs] of byStatus) {
    for (const ref of refs ?? []) {
      for (const result of await read(ref.Key)) {
        const index = chunkIndexOf(result);
        if (index < 0 || index >= chunkCount) throw new Error(`the Map results name chunk ${index}, but the run has ${chunkCount} chunks`);
        if (outcomes[index] !== undefined) throw new Error(`the Map results list chunk ${index} twice (${manifest.MapRunArn})`);
        outcomes[index] = outcome;
      }
    }
  }
  const missing = outcomes.findIndex((outcome) => outcome === undefined);
  if (missing >= 0 || outcomes.length !== chunkCount) {
    throw new Error(`the Map results of ${manifest.MapRunArn} do not account for chunk ${missing}: ${outcomes.filter(Boolean).length} of ${chunkCount} chunks listed`);
  }
  return outcomes as ChunkOutcome[];
}
