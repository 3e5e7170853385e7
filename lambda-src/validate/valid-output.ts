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
  let text = '';
  for (const { line, fields } of verdicts.valid) text += JSON.stringify({ line, fields }) + '\n';
  return text;
}
