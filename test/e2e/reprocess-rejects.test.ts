import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { LocalRunResult, runLocally } from '../../local/run/runner';
import { ORDER_HEADER, writeSampleOrders } from '../../local/samples/sample-orders';
import { csvRows, expectNothingLost } from '../support/reliability-invariants';
import { tempFolder } from '../support/temp-folder';

// Feed back: an operator corrects rows of a run's rejects file and uploads it as it is, under the
// input prefix. Run A processes the orders; run B the corrected orders.rejects.csv of run A,
// alongside two files that only look like rejects files.
const work = tempFolder('e2e-reprocess-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const FIGURES = ['unitsSold', 'unitPrice', 'unitCost', 'totalRevenue', 'totalCost', 'totalProfit'];
const RECORDS = 300;
// 13 orders without their Sales Channel (a field missing), 8 without financial data.
const sample = writeSampleOrders(path.join(work, 'orders'), { records: RECORDS, seed: 41, invalidEvery: 23, missingFinancialsEvery: 37 });
const financials = new Map((parse(sample.financialsCsv) as string[][]).slice(1).map((row) => [row[0], row.slice(1)]));

/** A rejects row: its line, the record's fields, its reasons. */
interface RejectsRow { readonly line: string; readonly fields: string[]; readonly reasons: string }
const rowsOf = (file: string | null): RejectsRow[] =>
  csvRows(file).rows.map((row) => ({ line: row[0], fields: row.slice(1, -1), reasons: row[row.length - 1] }));

let runA: LocalRunResult;
let runB: LocalRunResult;
let rejectsA: RejectsRow[];
/** What the operator uploads: each row of A's rejects file, corrected or not. */
let givenBack: Array<RejectsRow & { fate: 'corrected' | 'still invalid' | 'untouched' }>;

beforeAll(async () => {
  runA = await runLocally({ input: sample.ordersFile, lookup: sample.financialsFile, chunkSize: 50, outDir: path.join(work, 'a'), testHooks: { readRejectedRecords: true } });
  rejectsA = rowsOf(runA.rejects);

  // Of the orders missing a field, a third get a Sales Channel, a third a wrong one, a third
  // nothing; the orders without financial data stay as they are (they fail again). The reasons
  // column is left as it was, and the file is saved as a spreadsheet would: CRLF, its own quoting.
  let missingField = 0;
  givenBack = rejectsA.map((row) => {
    if (row.fields.length === ORDER_HEADER.length) return { ...row, fate: 'untouched' as const };
    const fix = ['Offline', 'Internet', undefined][missingField++ % 3];
    if (!fix) return { ...row, fate: 'untouched' as const };
    return { ...row, fields: [...row.fields.slice(0, 3), fix, ...row.fields.slice(3)], fate: fix === 'Offline' ? 'corrected' as const : 'still invalid' as const };
  });
  const header = ['line', ...ORDER_HEADER, 'reasons'];
  const asFile = (rows: string[][]) => stringify(rows, { record_delimiter: 'windows' });
  const dir = path.join(work, 'b');
  fs.mkdirSync(dir);
  const rejectsFile = path.join(dir, 'orders.rejects.csv');
  fs.writeFileSync(rejectsFile, asFile([header, ...givenBack.map((row) => [row.line, ...row.fields, row.reasons])]));

  // Look-alikes, of the corrected rows: a rejects file's name without its header (the last column
  // is not `reasons`), and its header under another name. Both are data: every column stays.
  const corrected = givenBack.filter((row) => row.fate === 'corrected');
  const lookAlikeName = path.join(dir, 'x.rejects.csv');
  fs.writeFileSync(lookAlikeName, asFile([[...header.slice(0, -1), 'comment'], ...corrected.map((row) => [row.line, ...row.fields, 'checked'])]));
  const lookAlikeHeader = path.join(dir, 'orders-review.csv');
  fs.writeFileSync(lookAlikeHeader, asFile([header, ...corrected.map((row) => [row.line, ...row.fields, row.reasons])]));

  runB = await runLocally({
    input: rejectsFile,
    lookup: sample.financialsFile,
    chunkSize: 4,
    outDir: path.join(work, 'b-out'),
    testHooks: { readRejectedRecords: true },
    concurrentInputs: [lookAlikeName, lookAlikeHeader],
  });
});

test('run A rejects the orders missing a field and those without financial data, by their lines', () => {
  expectNothingLost(runA, RECORDS);
  expect(rejectsA).toHaveLength(21);
  // Lines of orders.csv: those given back are not the lines of the rejects file (2, 3, …).
  expect(rejectsA.filter((row) => row.fields.length < ORDER_HEADER.length).map((row) => Number(row.line))).toEqual(sample.invalidLines);
  expect(givenBack.filter((row) => row.fate === 'corrected')).toHaveLength(5);
  expect(givenBack.filter((row) => row.fate === 'still invalid')).toHaveLength(4);
});

test('run B, of the corrected rejects file, outputs exactly the corrected records, under the original name', () => {
  // Nothing lost: the rows given back = output + rejects = records counted, and the table holds the rejects' lines.
  const { output } = expectNothingLost(runB, givenBack.length);
  expect(runB.runId).toMatch(/^orders_rejects-/);
  expect(path.basename(runB.output!)).toBe('orders.csv');
  expect(runB.objects).toEqual(expect.arrayContaining([`output/${runB.runId}/orders.csv`, `output/${runB.runId}/orders.rejects.csv`, `archive/${runB.runId}/orders.rejects.csv`]));
  // `line` and `reasons` are not data: the output is the original orders' columns, enriched.
  expect(output.header).toEqual([...ORDER_HEADER, ...FIGURES]);
  const corrected = givenBack.filter((row) => row.fate === 'corrected');
  expect(output.rows).toEqual(corrected.map((row) => [...row.fields, ...financials.get(row.fields[0])!]));
});

test('run B\'s rejects are the rows that still fail, each with its line in the original input, in the rejects file and the table', () => {
  const rejectsB = rowsOf(runB.rejects);
  expect(csvRows(runB.rejects).header).toEqual(['line', ...ORDER_HEADER, 'reasons']);
  const stillBad = givenBack.filter((row) => row.fate !== 'corrected');
  const lineAndFields = ({ line, fields }: { line: string | number; fields: string[] }) => ({ line: String(line), fields });
  expect(rejectsB.map(lineAndFields)).toEqual(stillBad.map(lineAndFields));
  // Those given back untouched are rejected exactly as in run A, line and reasons alike.
  const untouched = new Set(stillBad.filter((row) => row.fate === 'untouched').map((row) => row.line));
  expect(rejectsB.filter((row) => untouched.has(row.line))).toEqual(rejectsA.filter((row) => untouched.has(row.line)));
  for (const row of rejectsB.filter((r) => !untouched.has(r.line))) expect(row.reasons).toMatch(/^Sales Channel: must be one of Online, Offline/);
  // The table holds them by the same original lines, as run A did.
  const tableLinesA = new Set(runA.rejectedRecords!.map((item) => item.line));
  expect(runB.rejectedRecords!.map(lineAndFields)).toEqual(stillBad.map(lineAndFields));
  for (const item of runB.rejectedRecords!) expect(tableLinesA.has(item.line)).toBe(true);
});

test('a file that only looks like a rejects file keeps every column as data', () => {
  const [, byName, byHeader] = runB.runs;
  const corrected = givenBack.filter((row) => row.fate === 'corrected');
  // Named as a rejects file, another header: named like one's output, its columns all data.
  expect(byName.status).toBe('SUCCEEDED');
  expect(path.basename(byName.output!)).toBe('x.csv');
  expect(csvRows(byName.output).header).toEqual(['line', ...ORDER_HEADER, 'comment', ...FIGURES]);
  expect(csvRows(byName.output).rows).toEqual(corrected.map((row) => [row.line, ...row.fields, 'checked', ...financials.get(row.fields[0])!]));
  // A rejects file's header under another name: `line` and `reasons` are data too, and the lines
  // of its rejects (none here) would be its own.
  expect(byHeader.status).toBe('SUCCEEDED');
  expect(path.basename(byHeader.output!)).toBe('orders-review.csv');
  expect(csvRows(byHeader.output).header).toEqual(['line', ...ORDER_HEADER, 'reasons', ...FIGURES]);
  expect(csvRows(byHeader.output).rows).toEqual(corrected.map((row) => [row.line, ...row.fields, row.reasons, ...financials.get(row.fields[0])!]));
  expect(byHeader.records).toEqual({ total: corrected.length, valid: corrected.length, rejected: 0 });
});
