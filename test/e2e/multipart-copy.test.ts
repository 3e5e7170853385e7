import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { OrdersPipelineStack } from '../../examples/orders-stack';
import { ExampleProps, LocalRunResult, runLocally } from '../../local/run/runner';
import { writeSampleOrders } from '../../local/samples/sample-orders';
import { COPY_MULTIPART_THRESHOLD } from '../../src/contract/handler-environment';
import { tempFolder } from '../support/temp-folder';

// End to end through the runner: the archive and the publication copy whole objects, with one CopyObject
// up to 5 GiB and in parts above. Lowering the threshold (the handlers' test setting) sends a small run
// down the path a file past 5 GiB takes; it must end exactly as the normal path does.
const work = tempFolder('e2e-multipart-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const THRESHOLD = 1024;

/** The example stack, with the copying functions told to copy anything above THRESHOLD bytes in parts. */
function withLowThreshold(app: App, props: ExampleProps): OrdersPipelineStack {
  const stack = new OrdersPipelineStack(app, 'OrdersPipeline', props);
  for (const fn of [stack.processor.archiveFunction, stack.processor.notifyFunction]) {
    (fn as lambda.Function).addEnvironment(COPY_MULTIPART_THRESHOLD.name, String(THRESHOLD));
  }
  return stack;
}

/** The copies the functions logged: `input archived` (archive-input) and `published` (notify). */
interface CopyLogged { message: string; key?: string; archiveKey?: string; method: string; bytes: number; parts: number }
function copiesLogged(result: LocalRunResult): CopyLogged[] {
  return fs.readFileSync(result.log, 'utf8').split('\n')
    .filter((line) => line.includes('"message":"input archived"') || line.includes('"message":"published"'))
    .map((line) => JSON.parse(line.slice(line.indexOf('{'))));
}

const bytes = (file: string | null) => fs.readFileSync(file!);

describe('a run whose archive and publication are multipart copies, and the same run copied with CopyObject', () => {
  const sample = writeSampleOrders(path.join(work, 'data'), { records: 1500, seed: 23, invalidEvery: 89, missingFinancialsEvery: 127 });
  const inputBytes = fs.statSync(sample.ordersFile).size;
  let normal: LocalRunResult;
  let multipart: LocalRunResult;
  beforeAll(async () => {
    normal = await runLocally({ input: sample.ordersFile, lookup: sample.financialsFile, chunkSize: 500, outDir: path.join(work, 'normal') });
    multipart = await runLocally({
      input: sample.ordersFile, lookup: sample.financialsFile, chunkSize: 500, outDir: path.join(work, 'multipart'), createStack: withLowThreshold,
    });
  });

  test('both succeed with the same output and rejects, byte for byte', () => {
    expect(normal.status).toBe('SUCCEEDED');
    expect(multipart.status).toBe('SUCCEEDED');
    expect(multipart.records).toEqual(normal.records);
    expect(multipart.records.rejected).toBeGreaterThan(0);
    expect(bytes(multipart.output).equals(bytes(normal.output))).toBe(true);
    expect(bytes(multipart.rejects).equals(bytes(normal.rejects))).toBe(true);
  });

  test('the normal path copies with CopyObject; below the lowered threshold everything is copied in parts', () => {
    expect(inputBytes).toBeGreaterThan(THRESHOLD);
    const outputBytes = bytes(normal.output).length;
    const rejectsBytes = bytes(normal.rejects).length;
    expect(rejectsBytes).toBeGreaterThan(THRESHOLD);
    const archiveKey = `archive/${multipart.runId}/orders.csv`;
    const copies = copiesLogged(multipart)
      .map(({ message, key, archiveKey: archived, method, bytes: size }) => [message, archived ?? key, method, size]);
    expect(copies).toEqual([
      ['input archived', archiveKey, 'multipart', inputBytes],
      ['published', `output/${multipart.runId}/orders.rejects.csv`, 'multipart', rejectsBytes],
      ['published', `output/${multipart.runId}/orders.csv`, 'multipart', outputBytes],
    ]);
    expect(copiesLogged(normal).map(({ message, method }) => [message, method])).toEqual([
      ['input archived', 'copy-object'], ['published', 'copy-object'], ['published', 'copy-object'],
    ]);
  });

  test('both archive the input and remove it, and leave no multipart upload behind', () => {
    for (const run of [normal, multipart]) {
      expect(run.objects).toContain(`archive/${run.runId}/orders.csv`);
      expect(run.objects).not.toContain(run.inputKey);
    }
    expect(fs.readFileSync(multipart.log, 'utf8')).not.toMatch(/"level":"error"/);
  });
});
