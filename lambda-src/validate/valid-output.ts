import { ChunkVerdicts } from './validate-records';

const NEWLINE = Buffer.from('\n');

/** The processed chunk when no enrichment follows: the header and the valid records, as written in the input. */
export function processedCsv(verdicts: ChunkVerdicts): Buffer {
  const parts: Buffer[] = [verdicts.headerBytes, NEWLINE];
  for (const record of verdicts.valid) parts.push(record.bytes, NEWLINE);
  return Buffer.concat(parts);
}

/** The valid records for enrich-chunk: JSON Lines of `{ line, fields }`. */
export function validatedJsonLines(verdicts: ChunkVerdicts): string {
  // The text of JSON.stringify({ line, fields }) (line is an integer), without an object per
  // record, joined once rather than grown a line at a time: this runs for every valid record.
  const lines: string[] = [];
  for (const { line, fields } of verdicts.valid) lines.push(`{"line":${line},"fields":${JSON.stringify(fields)}}\n`);
  return lines.join('');
}
