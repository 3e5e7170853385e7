import { ChunkVerdicts } from './validate-records';
import { ValidatedChunk } from '../../src/contract/run-payloads';

const NEWLINE = Buffer.from('\n');

/** The processed chunk when no enrichment follows: the header and the valid records, as written in the input. */
export function processedCsv(verdicts: ChunkVerdicts): Buffer {
  const parts: Buffer[] = [verdicts.headerBytes, NEWLINE];
  for (const record of verdicts.valid) parts.push(record.bytes, NEWLINE);
  return Buffer.concat(parts);
}

/** The valid records for enrich-chunk (a chunk's `verdicts.valid`), as a `ValidatedChunk` document. */
export function validatedChunkJson(valid: readonly { readonly line: number; readonly text: string }[]): string {
  const lines: number[] = [];
  const records: string[] = [];
  for (const { line, text } of valid) {
    lines.push(line);
    records.push(text);
  }
  const validated: ValidatedChunk = { lines, records };
  return JSON.stringify(validated);
}
