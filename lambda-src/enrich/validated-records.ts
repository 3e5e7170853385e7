import { ValidRecord } from './lookup';
import { ValidatedChunk } from '../../src/contract/run-payloads';
import { splitFields } from '../shared/csv-fields';

/** A record of a `ValidatedChunk`: its text as written in the input too, which its output line reuses. */
export interface ValidatedRecord extends ValidRecord {
  readonly text: string;
}

/** The records of a `ValidatedChunk` document (written by validate-chunk), each split into its fields. */
export function validatedRecordsOf(json: string, delimiter: string): ValidatedRecord[] {
  const { lines, records } = JSON.parse(json) as ValidatedChunk;
  if (!Array.isArray(lines) || !Array.isArray(records) || lines.length !== records.length) {
    throw new Error('the validated records are not a ValidatedChunk ({ lines, records } of equal length)');
  }
  return records.map((text, i) => ({ line: lines[i], fields: splitFields(text, delimiter), text }));
}
