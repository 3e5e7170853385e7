import { ChildExecutionResult, chunkOutcomes, MapResultsManifest } from '../../../lambda-src/merge/map-results';

const MAP_RUN = 'arn:aws:states:us-east-1:123456789012:mapRun:Orchestrator/ProcessChunks:run-1';

/** One child execution as the ResultWriter lists it, for chunk `index`. */
const child = (index: number, Status: string): ChildExecutionResult => ({
  Input: JSON.stringify({ runId: 'r1', delimiter: ',', chunk: { index, key: `runs/r1/chunks/${index}.csv`, records: 10, firstLine: 2 } }),
  Status,
});

/** A manifest with one result file per status, and a reader over those files. */
function exported(files: { SUCCEEDED?: ChildExecutionResult[]; FAILED?: ChildExecutionResult[]; PENDING?: ChildExecutionResult[] }) {
  const contents = new Map<string, ChildExecutionResult[]>();
  const refs = Object.fromEntries(Object.entries(files).map(([status, results]) => {
    const key = `runs/r1/map-results/run-1/${status}_0.json`;
    contents.set(key, results);
    return [status, [{ Key: key, Size: JSON.stringify(results).length }]];
  }));
  const manifest: MapResultsManifest = { DestinationBucket: 'bucket', MapRunArn: MAP_RUN, ResultFiles: refs };
  const read = async (key: string) => {
    const results = contents.get(key);
    if (!results) throw new Error(`no result file ${key}`);
    return results;
  };
  return { manifest, read };
}

test('a chunk counts as processed only when its child SUCCEEDED: FAILED and PENDING children are failed chunks', async () => {
  const { manifest, read } = exported({
    SUCCEEDED: [child(2, 'SUCCEEDED'), child(0, 'SUCCEEDED')],
    FAILED: [child(1, 'FAILED')],
    PENDING: [child(3, 'PENDING')],
  });
  await expect(chunkOutcomes(manifest, 4, read)).resolves.toEqual(['SUCCEEDED', 'FAILED', 'SUCCEEDED', 'FAILED']);
});

test('results that do not account for every chunk stop the merge, naming the first chunk missing and the Map Run', async () => {
  // As when the Map read fewer items than the manifest holds: publishing would lose chunk 2's records.
  const { manifest, read } = exported({ SUCCEEDED: [child(0, 'SUCCEEDED'), child(1, 'SUCCEEDED'), child(3, 'SUCCEEDED')] });
  await expect(chunkOutcomes(manifest, 4, read)).rejects.toThrow(`the Map results of ${MAP_RUN} do not account for chunk 2: 3 of 4 chunks listed`);
});

test('a chunk listed twice, or one the run does not have, stops the merge', async () => {
  const twice = exported({ SUCCEEDED: [child(0, 'SUCCEEDED')], FAILED: [child(0, 'FAILED')] });
  await expect(chunkOutcomes(twice.manifest, 1, twice.read)).rejects.toThrow(`the Map results list chunk 0 twice (${MAP_RUN})`);
  const unknown = exported({ SUCCEEDED: [child(0, 'SUCCEEDED'), child(5, 'SUCCEEDED')] });
  await expect(chunkOutcomes(unknown.manifest, 1, unknown.read)).rejects.toThrow('the Map results name chunk 5, but the run has 1 chunks');
});

test('a result whose input names no chunk is refused', async () => {
  const { manifest, read } = exported({ SUCCEEDED: [{ Input: '{"runId":"r1"}', Status: 'SUCCEEDED' }] });
  await expect(chunkOutcomes(manifest, 1, read)).rejects.toThrow('a Map result\'s input names no chunk: {"runId":"r1"}');
});
