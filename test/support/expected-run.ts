import * as fs from 'node:fs';
import { parse } from 'csv-parse/sync';

// What a run of a small input must publish, read from the input here with csv-parse, independently of the
// project's code: every record with the header's number of fields is validated, then enriched; the others
// are rejected with the field counts. Used by the end-to-end tests of configurations, the CLI and the package.

/** A reject as the rejects file and the rejected-records table hold it. */
export interface ExpectedReject {
  readonly line: number;
  readonly fields: string[];
  readonly reasons: string[];
}

export interface ExpectedRun {
  /** The output file's rows, header first. */
  readonly output: string[][];
  /** In line order. */
  readonly rejects: ExpectedReject[];
}

export interface Configuration {
  /** The validator's verdict: reasons to reject, or none. @default every record is valid */
  readonly validate?: (record: Record<string, string>) => string[];
  /** The columns enrichment appends, and the values for a record (undefined: no data, rejected with `missingReason`). @default no enrichment */
  readonly enrich?: {
    readonly columns: string[];
    readonly values: (record: Record<string, string>) => string[] | undefined;
    readonly missingReason: (record: Record<string, string>) => string;
  };
}

/** The run expected of `input` (a CSV file whose records have no line breaks inside fields). */
export function expectedRun(input: string, configuration: Configuration = {}): ExpectedRun {
  const [header, ...records] = parse(fs.readFileSync(input), { relax_column_count: true }) as string[][];
  const output = [[...header, ...configuration.enrich?.columns ?? []]];
  const rejects: ExpectedReject[] = [];
  records.forEach((fields, i) => {
    const line = i + 2;
    if (fields.length !== header.length) {
      rejects.push({ line, fields, reasons: [`expected ${header.length} fields, found ${fields.length}`] });
      return;
    }
    const record = Object.fromEntries(header.map((column, c) => [column, fields[c]]));
    const reasons = configuration.validate?.(record) ?? [];
    if (reasons.length > 0) {
      rejects.push({ line, fields, reasons });
      return;
    }
    if (!configuration.enrich) {
      output.push(fields);
      return;
    }
    const values = configuration.enrich.values(record);
    if (values) output.push([...fields, ...values]);
    else rejects.push({ line, fields, reasons: [configuration.enrich.missingReason(record)] });
  });
  return { output, rejects };
}

/** What the run published: its output and rejects files, and its items in the rejected-records table (a JSON Lines export). */
export interface PublishedRun {
  readonly output: string | null;
  readonly rejects: string | null;
  readonly rejectedRecordsFile: string | null;
}

/** The output, the rejects file (line, fields, reasons joined with '; ') and the rejected-records table, each as expected. */
export function expectPublished(run: PublishedRun, expected: ExpectedRun): void {
  expect(parse(fs.readFileSync(run.output!))).toEqual(expected.output);
  const rejectRows = run.rejects ? (parse(fs.readFileSync(run.rejects), { relax_column_count: true }) as string[][]).slice(1) : [];
  expect(rejectRows).toEqual(expected.rejects.map((r) => [String(r.line), ...r.fields, r.reasons.join('; ')]));
  const table = run.rejectedRecordsFile
    ? fs.readFileSync(run.rejectedRecordsFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line))
    : [];
  expect(table.map(({ line, fields, reasons }) => ({ line, fields, reasons }))).toEqual(expected.rejects);
}
