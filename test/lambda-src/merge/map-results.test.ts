import { ChildExecutionResult, chunkOutcomes, MapResultsManifest, MapResultsSource } from '../../../lambda-src/merge/map-results';

const MAP_RUN = 'arn:aws:states:us-east-1:123456789012:mapRun:Orchestrator/ProcessChunks:run-1';

/** One child execution as the ResultWriter lists it, for chunk `index`. */
const child = (index: number, Status: string): ChildExecutionResult => ({
  Input: JSON.stringify({ runId: 'r1', delimiter: ',', chunk: { index, key: `runs/r1/chunks/${index}.csv`, records: 10, firstLine: 2 } }),
  Status,
});

type Files = Partial<Record<'SUCCEEDED' | 'FAILED' | 'PENDING', ChildExecutionResult[][]>>;

/**
 * The exported results of Map Runs under `runs/r1/map-results/`, by map run id: each a manifest with the
 * given result files (`<STATUS>_<n>.json`, n by position). The first Map Run's manifest is the Map's own.
 */
function exported(mapRuns: Record<string, Files>) {
  const contents = new Map<string, unknown>();
  const manifests: string[] = [];
  for (const [runId, files] of Object.entries(mapRuns)) {
    const folder = `runs/r1/map-results/${runId}/`;
    const refs = Object.fromEntries(Object.entries(files).map(([status, lists]) => [status, lists.map((results, n) => {
      const key = `${folder}${status}_${n}.json`;
      contents.set(key, results);
      return { Key: key, Size: JSON.stringify(results).length };
    })]));
    const manifest: MapResultsManifest = { DestinationBucket: 'bucket', MapRunArn: `${MAP_RUN.replace('run-1', runId)}`, ResultFiles: refs };
    contents.set(`${folder}manifest.json`, manifest);
    manifests.push(`${folder}manifest.json`);
  }
  const read = async (key: string): Promise<any> => {
    if (!contents.has(key)) throw new Error(`no object ${key}`);
    return contents.get(key);
  };
  const listed: number[] = [];
  const source: MapResultsSource = {
    manifestKey: manifests[0],
    readManifest: read,
    readResultFile: read,
    listManifests: async () => {
      listed.push(1);
      return manifests;
    },
  };
  return { source, listed };
}

test('a chunk counts as processed only when its child SUCCEEDED: FAILED and PENDING children are failed chunks', async () => {
  const { source, listed } = exported({
    'run-1': { SUCCEEDED: [[child(2, 'SUCCEEDED'), child(0, 'SUCCEEDED')]], FAILED: [[child(1, 'FAILED')]], PENDING: [[child(3, 'PENDING')]] },
  });
  await expect(chunkOutcomes(source, 4)).resolves.toEqual(['SUCCEEDED', 'FAILED', 'SUCCEEDED', 'FAILED']);
  // Every chunk accounted for by the Map's manifest: nothing is listed.
  expect(listed).toEqual([]);
});

test('after a redrive a chunk listed FAILED and SUCCEEDED counts SUCCEEDED, in whichever order the files come', async () => {
  // As the local Map Run writes a redrive: the first attempt's files kept, the redriven children's in new ones.
  const { source } = exported({
    'run-1': {
      SUCCEEDED: [[child(0, 'SUCCEEDED')], [child(1, 'SUCCEEDED'), child(3, 'SUCCEEDED')]],
      FAILED: [[child(1, 'FAILED'), child(2, 'FAILED')], [child(2, 'FAILED')]],
      PENDING: [[child(3, 'PENDING')]],
    },
  });
  await expect(chunkOutcomes(source, 4)).resolves.toEqual(['SUCCEEDED', 'SUCCEEDED', 'FAILED', 'SUCCEEDED']);
});

test('results that list only the redriven children are completed from the other manifests of the run', async () => {
  // The redrive's results (the Map's manifest, 'run-2') list chunk 1 only; the earlier Map Run listed all.
  const { source, listed } = exported({
    'run-2': { SUCCEEDED: [[child(1, 'SUCCEEDED')]] },
    'run-1': { SUCCEEDED: [[child(0, 'SUCCEEDED'), child(2, 'SUCCEEDED')]], FAILED: [[child(1, 'FAILED')]] },
  });
  await expect(chunkOutcomes(source, 3)).resolves.toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
  expect(listed).toHaveLength(1);
});

test('a chunk no manifest of the run accounts for stops the merge, naming it and the manifests read', async () => {
  // As when a redrive's results replaced the earlier ones and list only the redriven children: publishing would lose chunk 2's records.
  const { source } = exported({
    'run-2': { SUCCEEDED: [[child(1, 'SUCCEEDED')]] },
    'run-1': { SUCCEEDED: [[child(0, 'SUCCEEDED'), child(3, 'SUCCEEDED')]] },
  });
  await expect(chunkOutcomes(source, 4)).rejects.toThrow(
    'the Map results do not account for chunk 2 of 4: read runs/r1/map-results/run-2/manifest.json, runs/r1/map-results/run-1/manifest.json',
  );
  const many = exported({ 'run-1': { SUCCEEDED: [[child(0, 'SUCCEEDED')]] } });
  await expect(chunkOutcomes(many.source, 14)).rejects.toThrow(
    'the Map results do not account for chunks 1, 2, 3, 4, 5, 6, 7, 8, 9, 10… (13 in all) of 14: read runs/r1/map-results/run-1/manifest.json',
  );
});

test('a chunk the run does not have is refused', async () => {
  const { source } = exported({ 'run-1': { SUCCEEDED: [[child(0, 'SUCCEEDED'), child(5, 'SUCCEEDED')]] } });
  await expect(chunkOutcomes(source, 1)).rejects.toThrow('the Map results name chunk 5, but the run has 1 chunks (runs/r1/map-results/run-1/manifest.json)');
});

test('a result whose input names no chunk is refused', async () => {
  const { source } = exported({ 'run-1': { SUCCEEDED: [[{ Input: '{"runId":"r1"}', Status: 'SUCCEEDED' }]] } });
  await expect(chunkOutcomes(source, 1)).rejects.toThrow('a Map result\'s input names no chunk: {"runId":"r1"}');
});
