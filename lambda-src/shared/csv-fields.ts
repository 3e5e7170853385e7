/**
 * Fields of one CSV record, and CSV lines from fields, in the dialect of docs/architecture.md.
 * Record boundaries come from `csv-records.ts`; this module only looks inside one record.
 */
import { isUtf8 } from 'node:buffer';

export const INVALID_UTF8 = 'invalid UTF-8';

/**
 * The fields of one record's text (no terminator). A quoted field ends at its closing quote;
 * anything after it up to the delimiter is kept as written, as is a quote inside an unquoted
 * field — the same reading `RecordScanner` uses to find where records end.
 */
export function splitFields(text: string, delimiter: string): string[] {
  if (!text.includes('"')) return text.split(delimiter);
  const fields: string[] = [];
  const length = text.length;
  let start = 0;
  for (;;) {
    let value = '';
    let p = start;
    if (text.charCodeAt(start) === 0x22) {
      p = start + 1;
      for (;;) {
        const quote = text.indexOf('"', p);
        if (quote === -1) {
          value += text.slice(p);
          p = length;
          break;
        }
        value += text.slice(p, quote);
        if (text.charCodeAt(quote + 1) === 0x22) {
          value += '"';
          p = quote + 2;
        } else {
          p = quote + 1;
          break;
        }
      }
    }
    const next = text.indexOf(delimiter, p);
    const end = next === -1 ? length : next;
    fields.push(value + text.slice(p, end));
    if (next === -1) return fields;
    start = next + 1;
  }
}

export interface ParsedRecord {
  readonly fields: string[];
  /** The decoded text the fields were split from. */
  readonly text: string;
  /** The bytes are not UTF-8: `fields` is then a best-effort reading with U+FFFD substitutes. */
  readonly invalidUtf8: boolean;
}

/** Decodes and splits one record's bytes, flagging bytes that are not valid UTF-8. */
export function parseRecord(bytes: Uint8Array, delimiter: string): ParsedRecord {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  // Decoding replaces bad sequences with U+FFFD, so only a record holding one needs the full check.
  if (text.includes('\uFFFD') && !isUtf8(bytes)) {
    return { fields: splitFields(text, delimiter), text, invalidUtf8: true };
  }
  return { fields: splitFields(text, delimiter), text, invalidUtf8: false };
}

/** One field as written in CSV: quoted only when it holds the delimiter, a quote, CR or LF. */
export function formatField(value: string, delimiter: string): string {
  if (!value.includes(delimiter) && !value.includes('"') && !value.includes('\n') && !value.includes('\r')) {
    return value;
  }
  return `"${value.replace(/"/g, '""')}"`;
}

/**
 * One CSV line from fields, without a terminator. A record of one empty field is written `""`:
 * an empty line would be a blank line, which readers of this dialect skip.
 */
export function formatRecord(fields: readonly string[], delimiter: string): string {
  if (fields.length === 1 && fields[0] === '') return '""';
  let line = '';
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) line += delimiter;
    line += formatField(fields[i], delimiter);
  }
  return line;
}
