import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { LocalRunResult, runLocally } from '../../local/run/runner';
import { writeSampleOrders } from '../../local/samples/sample-orders';
import { CDK_VERSION, FLAG_SETTINGS } from '../support/feature-flags';
import { tempFolder } from '../support/temp-folder';

// The reference example's run of generated orders, synthesized on this aws-cdk-lib (the floor here; the newest
// under jest-newest.config.js) with and without the flags `cdk init` writes, through the local cloud: the
// definition that would be deployed, run end to end. (With the newest flags and the deprecated ResultWriter
// prop, this run failed at ProcessChunks: `$.MapRunArn` does not point to a value.)
const work = tempFolder('compat-local-run-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe.each(FLAG_SETTINGS)(`aws-cdk-lib ${CDK_VERSION}, %s: the example's run`, (flagsName, flags) => {
  const dir = path.join(work, flagsName.replace(/\W+/g, '-'));
  const sample = writeSampleOrders(dir, { records: 600, seed: 11, invalidEvery: 97, missingFinancialsEvery: 131 });
  let result: LocalRunResult;
  beforeAll(async () => {
    result = await runLocally({ input: sample.ordersFile, lookup: sample.financialsFile, chunkSize: 200, outDir: path.join(dir, 'out'), context: flags });
  });

  test('succeeds, every record in the output or the rejects, and emails the summary', () => {
    expect({ status: result.status, error: result.error, chunks: result.chunks }).toEqual({ status: 'SUCCEEDED', error: null, chunks: 3 });
    const output = parse(fs.readFileSync(result.output!, 'utf8')) as string[][];
    const rejects = parse(fs.readFileSync(result.rejects!, 'utf8'), { relax_column_count: true }) as string[][];
    expect(output.length - 1 + rejects.length - 1).toBe(600);
    expect(result.records).toEqual({ total: 600, valid: output.length - 1, rejected: rejects.length - 1 });
    expect(rejects.length - 1).toBe(sample.invalidLines.length + sample.uuidsWithoutFinancials.length);
    expect(result.emails.map((email) => email.to)).toEqual(['ops@example.com']);
  });
});
