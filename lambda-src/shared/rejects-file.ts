/**
 * The rejects file a run publishes (`orders.rejects.csv`, named by run-layout.ts): a header of
 * `line`, the input's columns and `reasons`, then one row per rejected record: its line in the
 * input, its fields, its reasons joined by `; `. Merge writes it (lambda-src/merge/merge-run.ts);
 * split reads it back when an operator uploads a corrected one (lambda-src/split/rejects-input.ts).
 */
import { formatRecord } from './csv-fields';
import { RejectedRecord } from '../../src/contract/run-payloads';

export const LINE_COLUMN = 'line';
export const REASONS_COLUMN = 'reasons';

export function rejectsHeaderLine(header: readonly string[], delimiter: string): string {
  return formatRecord([LINE_COLUMN, ...header, REASONS_COLUMN], delimiter) + '\n';
}

export function rejectLine(reject: RejectedRecord, delimiter: string): string {
  return formatRecord([String(reject.line), ...reject.fields, reject.reasons.join('; ')], delimiter) + '\n';
}

/** Whether a header is a rejects file's: `line` first, `reasons` last, and the input's columns (at least one) between. */
export function isRejectsHeader(header: readonly string[]): boolean {
  return header.length >= 3 && header[0] === LINE_COLUMN && header[header.length - 1] === REASONS_COLUMN;
}
