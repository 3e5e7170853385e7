import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalRunResult, runLocally } from '../../local/run/runner';
import { writeSampleOrders } from '../../local/samples/sample-orders';
import { RUN_FAILED_DETAIL_TYPE } from '../../src/contract/run-events';
import { expectNothingLost } from '../support/reliability-invariants';
import { tempFolder } from '../support/temp-folder';

// DynamoDB under pressure (`ddb` faults): half of every batch's write requests and keys come back unprocessed, so
// RecordRejects' BatchWriteItem and the example's financials API (BatchGetItem, behind the REST enricher) must ask
// again for what was left. A batch can still run out of attempts at this rate (the financials API gives up after 5,
// though each attempt gets half of what is left: in three runs, every one failed a chunk with EnrichmentUnavailable),
// failing its chunk as on AWS: the run is then redriven, as an operator would, and must end as the clean run does.
const work = tempFolder('e2e-ddb-pressure-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** What unprocessed items left after every attempt are reported as: the enrichment's failure, or RecordRejects' (an Error). */
const TRANSIENT_CAUSES = /^(EnrichmentUnavailable|Error|States\.ExceedToleratedFailureThreshold)$/;

describe('DynamoDB answering batches in part (ddb=0.5)', () => {
  const sample = writeSampleOrders(path.join(work, 'data'), { records: 240, seed: 12, invalidEvery: 19, missingFinancialsEvery: 41 });
  let clean: LocalRunResult;
  let pressed: LocalRunResult;
  beforeAll(async () => {
    const run = (name: string, ddb?: number) => runLocally({
      input: sample.ordersFile,
      lookup: sample.financialsFile,
      chunkSize: 40,
      outDir: path.join(work, name),
      faults: ddb === undefined ? undefined : { ddb },
      testHooks: { readRejectedRecords: true },
      redrive: true,
    });
    clean = await run('clean');
    pressed = await run('pressed', 0.5);
  });

  test('the faults were injected, and the clean run had none', () => {
    expect(clean.stats.dynamodbUnprocessed).toBe(0);
    expect(pressed.stats.dynamodbUnprocessed).toBeGreaterThan(0);
    expect(clean.redrives).toBe(0);
  });

  test('the run keeps every record; a failure on its way was a transient one, and its redrive succeeded', () => {
    expectNothingLost(pressed, 240);
    const failures = pressed.runEvents.filter((e) => e.detailType === RUN_FAILED_DETAIL_TYPE);
    expect(failures).toHaveLength(pressed.redrives);
    for (const { detail } of failures) expect(detail.error.code).toMatch(TRANSIENT_CAUSES);
  });

  test('the output, the rejects and the rejected-records table are the same as without faults', () => {
    expect(pressed.records).toEqual(clean.records);
    expect(clean.records.rejected).toBeGreaterThan(0);
    expect(fs.readFileSync(pressed.output!)).toEqual(fs.readFileSync(clean.output!));
    expect(fs.readFileSync(pressed.rejects!)).toEqual(fs.readFileSync(clean.rejects!));
    const items = (r: LocalRunResult) => r.rejectedRecords!.map(({ line, fields, reasons }) => ({ line, fields, reasons }));
    expect(items(pressed)).toEqual(items(clean));
  });
});
