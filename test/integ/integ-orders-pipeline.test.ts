import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHUNK_SIZE, FINANCIALS_CSV, INPUT_FILE_NAME, IntegStack, ORDERS_CSV, createIntegStack, expectedIntegRun } from './orders-pipeline-run';
import { LocalRunResult, runLocally } from '../../local/run/runner';
import { RUN_SUCCEEDED_DETAIL_TYPE } from '../../src/contract/run-events';
import { PublishedFiles, archiveKey } from '../../src/contract/run-layout';
import { tempFolder } from '../support/temp-folder';

// The deployed integration test (integ.orders-pipeline.ts) runs only where a maintainer has AWS credentials
// (docs/integration-test.md). Here, without them, two checks keep it from rotting:
// - its snapshot: integ-runner synthesizes the app and compares the stack it deploys with the committed
//   integ.orders-pipeline.ts.snapshot/ (asset hashes aside), so a change to the example or the construct fails
//   here until the snapshot is updated (`npx projen integ`, or `integ:snapshot:update` without an account);
// - its expectations: the same stack and the same orders through the local cloud publish exactly what the test's
//   assertions expect on AWS.

const ROOT = path.resolve(__dirname, '..', '..');
const INTEG_RUNNER = require.resolve('@aws-cdk/integ-runner/bin/integ-runner');

/** Runs integ-runner from the repository root with the test's config; its exit code and its output. */
function integRunner(...args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [INTEG_RUNNER, '--config', 'test/integ/integ.config.json', ...args], {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

test('the integration test\'s stack matches its committed snapshot (integ-runner, no AWS credentials)', async () => {
  const { code, output } = await integRunner();
  if (code !== 0) {
    throw new Error(`integ-runner's snapshot check failed (exit ${code}). If the change to the stack is meant, update the snapshot:`
      + ' `npx projen integ` with AWS credentials (deploys and verifies it), or `npx projen integ:snapshot:update` without'
      + ` (docs/integration-test.md).\n\n${output}`);
  }
  expect(output).toMatch(/UNCHANGED\s+integ\.orders-pipeline/);
}, 300_000);

describe('the integration test\'s expectations, checked on the local cloud', () => {
  const expected = expectedIntegRun();
  const work = tempFolder('integ-orders-');
  let integ: IntegStack;
  let result: LocalRunResult;
  beforeAll(async () => {
    const input = path.join(work, INPUT_FILE_NAME);
    const lookup = path.join(work, 'financials.csv');
    fs.writeFileSync(input, ORDERS_CSV);
    fs.writeFileSync(lookup, FINANCIALS_CSV);
    // Synthesized with the feature flags integ-runner synthesizes the deployed app with.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const context = require('@aws-cdk/integ-runner/lib/recommended-feature-flags.json');
    result = await runLocally({
      input,
      lookup,
      chunkSize: CHUNK_SIZE,
      context,
      createStack: (app) => {
        integ = createIntegStack(app);
        return integ.stack;
      },
      outDir: path.join(work, 'out'),
    });
  }, 120_000);
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  const published = () => new PublishedFiles(integ.stack.processor.outputPrefix, result.runId, result.inputKey);

  test('the run succeeds with the expected counts, and the summary says so', () => {
    expect({ status: result.status, error: result.error, chunks: result.chunks, records: result.records })
      .toEqual({ status: 'SUCCEEDED', error: null, chunks: expected.chunks, records: expected.records });
    expect(JSON.parse(fs.readFileSync(result.summary!, 'utf8'))).toMatchObject({
      runId: result.runId,
      status: 'SUCCEEDED',
      records: expected.records,
      chunks: expected.chunks,
      output: published().outputKey,
      rejects: published().rejectsKey,
    });
  });

  test('the output and the rejects file are byte for byte what the assertions expect', () => {
    expect(result.inputKey).toBe(`${integ.stack.processor.inputPrefix}${INPUT_FILE_NAME}`);
    expect(fs.readFileSync(result.output!, 'utf8')).toBe(expected.outputCsv);
    expect(fs.readFileSync(result.rejects!, 'utf8')).toBe(expected.rejectsCsv);
    const archived = archiveKey(integ.stack.processor.archivePrefix, result.runId, result.inputKey);
    expect(result.objects).toEqual(expect.arrayContaining([published().outputKey, published().rejectsKey, archived]));
  });

  test('the rejected-records table holds the rejected lines, and the run event carries the counts', () => {
    // The run's items in the table, as the runner exports them: one JSON object per line, in line order.
    const items = fs.readFileSync(result.rejectedRecordsFile!, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(items.map((item) => item.line)).toEqual(expected.rejectedLines);
    expect(result.runEvents).toEqual([{
      detailType: RUN_SUCCEEDED_DETAIL_TYPE,
      detail: expect.objectContaining({
        runId: result.runId,
        inputKey: result.inputKey,
        outputKey: published().outputKey,
        rejectsKey: published().rejectsKey,
        records: expected.records,
      }),
    }]);
  });
});
