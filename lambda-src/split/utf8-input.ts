/**
 * Turns the input into UTF-8 bytes before any byte-level scan: the record scanner looks for `"`,
 * the delimiter, CR and LF as single bytes, which holds in UTF-8 and the single-byte code pages
 * but not in UTF-16, and chunk files, output and rejects are UTF-8 whatever the input was.
 * Every supported encoding maps CR and LF one to one, so line numbers are the input's lines.
 */
import { getDecoder } from 'iconv-lite';
import { InputEncodingName } from '../../src/contract/handler-environment';
import { ByteSource } from '../shared/csv-records';

/** Byte order marks, longest first so that a UTF-8 BOM is not taken for less. */
const BOMS: ReadonlyArray<{ bytes: Buffer; encoding: InputEncodingName }> = [
  { bytes: Buffer.from([0xef, 0xbb, 0xbf]), encoding: 'utf-8' },
  { bytes: Buffer.from([0xff, 0xfe]), encoding: 'utf-16le' },
  { bytes: Buffer.from([0xfe, 0xff]), encoding: 'utf-16be' },
];
const LONGEST_BOM = 3;

/**
 * The encoding of an input that starts with `head` and was declared `declared`: a byte order mark
 * decides over the declaration, as in the WHATWG Encoding Standard's decode algorithm
 * (https://encoding.spec.whatwg.org/#decode); the BOM's length is what to skip.
 */
export function sniffEncoding(head: Buffer, declared: InputEncodingName): { encoding: InputEncodingName; bomLength: number } {
  const bom = BOMS.find(({ bytes }) => head.length >= bytes.length && head.subarray(0, bytes.length).equals(bytes));
  return bom ? { encoding: bom.encoding, bomLength: bom.bytes.length } : { encoding: declared, bomLength: 0 };
}

/** Whether more bytes could still turn `head` into a byte order mark. */
function mayBecomeBom(head: Buffer): boolean {
  return head.length < LONGEST_BOM && BOMS.some(({ bytes }) => bytes.length > head.length && bytes.subarray(0, head.length).equals(head));
}

const asBuffer = (piece: Uint8Array | string) =>
  typeof piece === 'string' ? Buffer.from(piece, 'utf8') : Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);

/**
 * The input as UTF-8 bytes, without a byte order mark, piece by piece. UTF-8 input passes through
 * untouched, so that a record with invalid bytes is still rejected on its own (`invalid UTF-8`);
 * any other is decoded by iconv-lite, whose decoder keeps a character split across two pieces
 * whole (a UTF-16 code unit or surrogate pair). Bytes the encoding leaves undefined (in
 * Windows-1252: 0x81, 0x8D, 0x8F, 0x90, 0x9D) and unpaired UTF-16 surrogates become U+FFFD.
 */
export async function* utf8Input(source: ByteSource, declared: InputEncodingName): AsyncGenerator<Buffer> {
  let head: Buffer | undefined = Buffer.alloc(0);
  let decoder: ReturnType<typeof getDecoder> | undefined;
  // A high surrogate at the end of a decoded piece waits for its pair: encoded alone it would be U+FFFD.
  let pendingHigh = '';
  const begin = (bytes: Buffer) => {
    const { encoding, bomLength } = sniffEncoding(bytes, declared);
    decoder = encoding === 'utf-8' ? undefined : getDecoder(encoding, { stripBOM: false });
    head = undefined;
    return bytes.subarray(bomLength);
  };
  const convert = (bytes: Buffer) => {
    if (!decoder) return bytes;
    let text = pendingHigh + decoder.write(bytes);
    const last = text.charCodeAt(text.length - 1);
    pendingHigh = last >= 0xd800 && last <= 0xdbff ? text.slice(-1) : '';
    if (pendingHigh) text = text.slice(0, -1);
    return Buffer.from(text, 'utf8');
  };
  for await (const piece of source) {
    let bytes = asBuffer(piece);
    if (head !== undefined) {
      const start: Buffer = head.length === 0 ? bytes : Buffer.concat([head, bytes]);
      if (mayBecomeBom(start)) {
        head = start;
        continue;
      }
      bytes = begin(start);
    }
    const converted = convert(bytes);
    if (converted.length > 0) yield converted;
  }
  // An input shorter than a BOM that began like one: its bytes are data.
  if (head !== undefined && head.length > 0) {
    const converted = convert(begin(head));
    if (converted.length > 0) yield converted;
  }
  const rest = pendingHigh + (decoder?.end() ?? '');
  if (rest) yield Buffer.from(rest, 'utf8');
}
