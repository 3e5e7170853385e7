import * as fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { LocalRunResult } from '../../local/run/runner';

// The invariants of issue 6 that every reliability test checks on a run's result.

const read = (file: string | null) => fs.readFileSync(file!, 'utf8');

export interface CsvRows {
  readonly header: string[];
  readonly rows: string[][];
}

export function csvRows(file: string | null, delimiter = ','): CsvRows {
  const all = parse(read(file), { delimiter, relax_column_count: true, bom: true }) as string[][];
  return { header: all[0] ?? [], rows: all.slice(1) };
}

/**
 * The invariant of every successful run: input records = output rows + rejects rows =
 * records.total = valid + rejected; every reject has its line and a reason; the rejected-records
 * table holds the same lines.
 */
export function expectNothingLost(result: LocalRunResult, inputRecords: number, delimiter = ','): { output: CsvRows; rejects: CsvRows } {
  expect(result.status).toBe('SUCCEEDED');
  const output = csvRows(result.output, delimiter);
  const rejects = csvRows(result.rejects, delimiter);
  expect(output.rows.length + rejects.rows.length).toBe(inputRecords);
  expect(result.records).toEqual({ total: inputRecords, valid: output.rows.length, rejected: rejects.rows.length });
  const rejectedLines = rejects.rows.map((row) => Number(row[0]));
  for (const row of rejects.rows) {
    expect(Number.isInteger(Number(row[0])) && Number(row[0]) > 1).toBe(true);
    expect(row[row.length - 1]).not.toBe('');
  }
  expect(result.rejectedRecords!.map((item) => item.line)).toEqual(rejectedLines);
  for (const item of result.rejectedRecords!) expect(item.reasons.length).toBeGreaterThan(0);
  return { output, rejects };
}

/** What a failed run must leave: the cause named in summary and email, the input kept, nothing published. */
export function expectFailedRun(result: LocalRunResult, file: string, code: string, cause: RegExp): void {
  expect(result.status).toBe('FAILED');
  expect(result.error?.code).toBe(code);
  expect(result.error?.message).toMatch(cause);
  const summary = JSON.parse(read(result.summary));
  expect(summary.status).toBe('FAILED');
  expect(summary.error.code).toBe(code);
  expect(summary.error.message).toMatch(cause);
  expect(summary.output).toBeUndefined();
  expect(result.emails).toHaveLength(1);
  expect(result.emails[0].subject).toContain(file);
  expect(result.emails[0].subject).toContain(code);
  expect(result.emails[0].text).toMatch(cause);
  expect(result.output).toBeNull();
  expect(result.objects).toContain(result.inputKey);
  expect(result.objects.filter((key) => key.startsWith('archive/'))).toEqual([]);
  expect(result.objects.filter((key) => key.startsWith(`output/${result.runId}/`) && !key.endsWith('/summary.json'))).toEqual([]);
}
