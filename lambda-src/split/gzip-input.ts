import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ByteSource } from '../shared/csv-records';
import { InputFormatError } from '../shared/errors';

/**
 * Whether an upload is gzip-compressed: its name ends in `.gz` (`orders.csv.gz`), or it was stored
 * with `Content-Encoding: gzip` (e.g. `aws s3 cp --content-encoding gzip orders.csv …`). HTTP clients
 * undo such an encoding on download, so its owner sees a CSV file; S3 and the SDK do not, so split
 * must, or it would scan compressed bytes as CSV. One layer is undone: a `.gz` file that also
 * carries the header is taken to be labelled twice, not compressed twice.
 */
export function isGzipInput(key: string, contentEncoding?: string): boolean {
  const codings = (contentEncoding ?? '').split(',').map((coding) => coding.trim().toLowerCase());
  return key.toLowerCase().endsWith('.gz') || codings.includes('gzip') || codings.includes('x-gzip');
}

const isZlibError = (error: unknown) => typeof (error as { code?: unknown })?.code === 'string' && (error as { code: string }).code.startsWith('Z_');

/**
 * The decompressed bytes of a gzip stream (several members are read one after the other, as
 * `gunzip` does), piece by piece: only zlib's window and one output piece are held. A corrupt or
 * truncated stream throws `InputFormatError` naming `file` and the offset in the compressed input
 * where decompression failed. A truncated stream fails at its end, its length. Corrupt data fails
 * where zlib stopped: zlib reports the input it consumed per completed step, not where in a step
 * it failed, so the offset is the compressed bytes it had decompressed without error, and the
 * damage lies in the next step (up to one 64 KiB output piece's worth of input). Errors of
 * `source` itself (a dropped connection) pass through unchanged.
 */
export async function* gunzipInput(source: ByteSource, file: string): AsyncGenerator<Buffer> {
  let read = 0;
  async function* counted() {
    for await (const piece of source) {
      const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
      read += bytes.byteLength;
      yield bytes;
    }
  }
  // 64 KiB output pieces: the record scanner's cost is per piece as well as per byte.
  const gunzip = createGunzip({ chunkSize: 64 * 1024 });
  // pipeline destroys both streams on an error either way, so the iteration below sees it.
  const output = pipeline(Readable.from(counted(), { objectMode: false }), gunzip, () => undefined);
  try {
    for await (const piece of output) yield piece as Buffer;
  } catch (error) {
    if (!isZlibError(error)) throw error;
    const { code, message } = error as { code: string; message: string };
    // zlib's "unexpected end of file": the whole input was read and a member is unfinished.
    const truncated = code === 'Z_BUF_ERROR';
    const reason = truncated ? `the gzip data ends early (${message}): the upload is truncated` : `the gzip data is corrupt (${message})`;
    throw new InputFormatError(file, { byte: truncated ? read : gunzip.bytesWritten }, reason);
  }
}
