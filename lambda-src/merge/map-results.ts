/**
 * The outcome of each chunk, as the Distributed Map's ResultWriter exported it. The ResultWriter
 * writes, under `<prefix>/<map run id>/`, a `manifest.json` that lists result files by status,
 * and the result files, each a JSON array of the child executions with that status
 * (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html).
 * A chunk counts as processed only when its child execution SUCCEEDED: a chunk whose steps failed
 * after writing some of its files is failed, whatever files exist.
 *
 * After a Map Run redrive the results may list a chunk more than once (FAILED from the first attempt,
 * SUCCEEDED from the redrive), or list only the redriven children
 * (https://docs.aws.amazon.com/step-functions/latest/dg/redrive-map-run.html says neither way; the
 * reading the local cloud implements is in local/engine/distributed-map.ts). So: a chunk listed more
 * than once counts SUCCEEDED when any of its entries is SUCCEEDED, and completeness is checked against
 * the run's chunk count; chunks the Map's own manifest leaves out are looked for in the other manifests
 * under the run's map-results prefix (earlier Map Runs of the run), and a chunk none of them lists stops
 * the merge, naming it and the manifests read.
 */
import { ChunkTask } from '../../src/contract/run-payloads';

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

/** Where the Map Run's exported results are, and how to read them. */
export interface MapResultsSource {
  /** The key of the manifest the Map returned (`ResultWriterDetails.Key`). */
  readonly manifestKey: string;
  readManifest(key: string): Promise<MapResultsManifest>;
  /** Reads one result file's entries. */
  readResultFile(key: string): Promise<readonly ChildExecutionResult[]>;
  /** The keys of every `manifest.json` under the run's map-results prefix; asked only when the Map's own manifest leaves chunks out. */
  listManifests(): Promise<readonly string[]>;
}

function chunkIndexOf(result: ChildExecutionResult): number {
  const index = (JSON.parse(result.Input) as Partial<ChunkTask>).chunk?.index;
  if (!Number.isInteger(index)) throw new Error(`a Map result's input names no chunk: ${result.Input.slice(0, 200)}`);
  return index as number;
}

/** Reads the result files of manifests into `outcomes`: SUCCEEDED wins over any other entry of the same chunk. */
class OutcomeTally {
  readonly outcomes: Array<ChunkOutcome | undefined>;
  readonly manifestsRead: string[] = [];
  private readonly filesRead = new Set<string>();

  constructor(private readonly chunkCount: number, private readonly source: MapResultsSource) {
    this.outcomes = new Array<ChunkOutcome | undefined>(chunkCount).fill(undefined);
  }

  async add(manifestKey: string): Promise<void> {
    const manifest = await this.source.readManifest(manifestKey);
    this.manifestsRead.push(manifestKey);
    const files = manifest.ResultFiles;
    const byStatus: Array<[ChunkOutcome, readonly ResultFileRef[] | undefined]> = [
      ['SUCCEEDED', files.SUCCEEDED], ['FAILED', files.FAILED], ['FAILED', files.PENDING],
    ];
    for (const [outcome, refs] of byStatus) {
      for (const ref of refs ?? []) {
        if (this.filesRead.has(ref.Key)) continue;
        this.filesRead.add(ref.Key);
        for (const result of await this.source.readResultFile(ref.Key)) {
          const index = chunkIndexOf(result);
          if (index < 0 || index >= this.chunkCount) {
            throw new Error(`the Map results name chunk ${index}, but the run has ${this.chunkCount} chunks (${manifestKey})`);
          }
          if (outcome === 'SUCCEEDED' || this.outcomes[index] === undefined) this.outcomes[index] = outcome;
        }
      }
    }
  }

  get missing(): number[] {
    return this.outcomes.flatMap((outcome, index) => (outcome === undefined ? [index] : []));
  }
}

/**
 * Each chunk's outcome, by chunk index: SUCCEEDED for the chunks with a child that succeeded, FAILED for
 * those whose children failed or never finished (PENDING). Chunks the Map's manifest leaves out are looked
 * for in the other manifests of the run; a chunk no manifest accounts for stops the merge: publishing
 * without knowing would lose its records.
 */
export async function chunkOutcomes(source: MapResultsSource, chunkCount: number): Promise<ChunkOutcome[]> {
  const tally = new OutcomeTally(chunkCount, source);
  await tally.add(source.manifestKey);
  if (tally.missing.length > 0) {
    for (const key of [...await source.listManifests()].sort()) {
      if (!tally.manifestsRead.includes(key)) await tally.add(key);
    }
  }
  const missing = tally.missing;
  if (missing.length > 0) {
    const named = missing.length > 10 ? `${missing.slice(0, 10).join(', ')}… (${missing.length} in all)` : missing.join(', ');
    throw new Error(
      `the Map results do not account for chunk${missing.length === 1 ? '' : 's'} ${named} of ${chunkCount}: `
      + `read ${tally.manifestsRead.join(', ')}`,
    );
  }
  return tally.outcomes as ChunkOutcome[];
}
