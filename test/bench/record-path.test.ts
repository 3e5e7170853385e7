import * as fs from 'node:fs';
import * as path from 'node:path';
import { MapLookupSource } from '../../bench/map-lookup-source';
import { rawCsvRoundTrip } from '../../bench/raw-csv';
import { runRecordPath } from '../../bench/record-path';
import { orderRecordSchema } from '../../examples/order-record-schema';
import { schemaValidator } from '../../lambda-src/validate/schema-validator';
import { FINANCIAL_HEADER, writeSampleOrders } from '../../local/samples/sample-orders';
import { tempFolder } from '../support/temp-folder';

const FIELDS = FINANCIAL_HEADER.slice(1);
let dir: string;
beforeEach(() => { dir = tempFolder('bench-test-'); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the record path over a sample', () => {
  test('validates, enriches and merges as the pipeline does', async () => {
    const sample = writeSampleOrders(dir, { records: 3000, invalidEvery: 101, missingFinancialsEvery: 149 });
    const result = await runRecordPath({
      inputFile: sample.ordersFile,
      outDir: dir,
      delimiter: ',',
      chunkSize: 250,
      validator: schemaValidator(JSON.stringify(orderRecordSchema)),
      source: MapLookupSource.fromCsv(sample.financialsCsv, 'uuid'),
      fields: FIELDS,
    });
    const rejected = sample.invalidLines.length + sample.uuidsWithoutFinancials.length;
    expect(result.counts).toEqual({ total: 3000, valid: 3000 - rejected, rejected });
    expect(result.chunks).toBe(12);
    expect(result.recordsPerSec).toBeGreaterThan(0);

    const output = fs.readFileSync(result.outputFile, 'utf8').trimEnd().split('\n');
    expect(output[0]).toBe([...sample.ordersCsv.split('\n')[0].split(','), ...FIELDS].join(','));
    expect(output).toHaveLength(1 + 3000 - rejected);
    const rejects = fs.readFileSync(result.rejectsFile, 'utf8').trimEnd().split('\n').slice(1);
    const rejectedLines = rejects.map((line) => Number(line.split(',')[0]));
    expect(rejectedLines).toEqual([...rejectedLines].sort((a, b) => a - b));
    expect(rejectedLines).toEqual(expect.arrayContaining(sample.invalidLines));
    expect(rejects.filter((line) => line.includes('no enrichment data for uuid='))).toHaveLength(sample.uuidsWithoutFinancials.length);
    // The work files (chunks, processed chunks, rejects) live only while the run does.
    expect(fs.readdirSync(dir).sort()).toEqual(['financials.csv', 'orders.csv', 'output.csv', 'rejects.csv']);
  });

  test('the raw baseline rewrites every record', async () => {
    const sample = writeSampleOrders(dir, { records: 500 });
    const out = path.join(dir, 'raw.csv');
    const raw = await rawCsvRoundTrip(sample.ordersFile, out);
    expect(raw.records).toBe(500);
    expect(fs.readFileSync(out, 'utf8')).toBe(sample.ordersCsv);
  });
});

describe('MapLookupSource', () => {
  const source = MapLookupSource.fromCsv('id,a,b\n1,x,"y,z"\n2,p,q\n', 'id');

  test('answers each record from the map, or says which key has no data', async () => {
    expect(source.size).toBe(2);
    const lookups = await source.lookup(['name', 'id'], [{ line: 2, fields: ['n', '2'] }, { line: 3, fields: ['m', '9'] }, { line: 4, fields: ['o', '1'] }]);
    expect(lookups).toEqual([
      { values: { id: '2', a: 'p', b: 'q' } },
      { reason: 'no enrichment data for id=9' },
      { values: { id: '1', a: 'x', b: 'y,z' } },
    ]);
  });

  test('finds every one of many keys, non-ASCII ones too, from CSV bytes', async () => {
    const keys = Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? `clé-${i}` : `k${i}`));
    const many = MapLookupSource.fromCsv(Buffer.from(['id,n', ...keys.map((key, i) => `${key},${i * 3}`)].join('\n')), 'id');
    expect(many.size).toBe(5000);
    const records = [...keys, 'absent', 'k5000'].map((key, line) => ({ line, fields: [key] }));
    const lookups = await many.lookup(['id'], records);
    expect(lookups.slice(0, 5000)).toEqual(keys.map((key, i) => ({ values: { id: key, n: String(i * 3) } })));
    expect(lookups.slice(5000)).toEqual([{ reason: 'no enrichment data for id=absent' }, { reason: 'no enrichment data for id=k5000' }]);
  });

  test('answers a repeated key with its last row', async () => {
    const repeated = MapLookupSource.fromCsv('id,a\n1,x\n1,y\n', 'id');
    expect(repeated.size).toBe(1);
    expect(await repeated.lookup(['id'], [{ line: 2, fields: ['1'] }])).toEqual([{ values: { id: '1', a: 'y' } }]);
  });

  test('needs its key column', () => {
    expect(() => MapLookupSource.fromCsv('a,b\n1,2\n', 'id')).toThrow(/no "id" column/);
  });
});
