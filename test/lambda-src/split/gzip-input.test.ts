import { gzipSync } from 'node:zlib';
import { InputFormatError } from '../../../lambda-src/shared/errors';
import { gunzipInput, isGzipInput } from '../../../lambda-src/split/gzip-input';

const csv = Buffer.from(Array.from({ length: 20_000 }, (_, i) => `${i},name ${i % 97},${(i * 7919) % 10007}\n`).join(''));
const gzipped = gzipSync(csv);

function piecesOf(bytes: Buffer, size: number): Buffer[] {
  const pieces = [];
  for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.subarray(i, i + size));
  return pieces;
}

async function gunzip(source: Iterable<Buffer> | AsyncIterable<Buffer>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const piece of gunzipInput(source, 'orders.csv.gz')) out.push(piece);
  return Buffer.concat(out);
}

async function failure(source: Iterable<Buffer>): Promise<InputFormatError> {
  try {
    await gunzip(source);
  } catch (error) {
    return error as InputFormatError;
  }
  throw new Error('expected the input to be refused');
}

describe('isGzipInput', () => {
  test('by the .gz suffix or by Content-Encoding gzip', () => {
    expect(isGzipInput('input/orders.csv.gz')).toBe(true);
    expect(isGzipInput('input/ORDERS.CSV.GZ')).toBe(true);
    expect(isGzipInput('input/orders.csv', 'gzip')).toBe(true);
    expect(isGzipInput('input/orders.csv', 'GZIP')).toBe(true);
    expect(isGzipInput('input/orders.csv', 'x-gzip')).toBe(true);
    expect(isGzipInput('input/orders.csv')).toBe(false);
    expect(isGzipInput('input/orders.csv', 'identity')).toBe(false);
    expect(isGzipInput('input/orders.csv', '')).toBe(false);
  });
});

describe('gunzipInput', () => {
  test('decompresses a stream fed in small pieces, byte for byte', async () => {
    expect((await gunzip(piecesOf(gzipped, 777))).equals(csv)).toBe(true);
  });

  test('reads concatenated members one after the other, as gunzip does', async () => {
    const twice = Buffer.concat([gzipSync(Buffer.from('a,b\n')), gzipSync(Buffer.from('1,2\n'))]);
    expect((await gunzip([twice])).toString()).toBe('a,b\n1,2\n');
  });

  test('a truncated stream is an InputFormatError naming the file and the offset where it ends', async () => {
    const error = await failure(piecesOf(gzipped.subarray(0, 5000), 1000));
    expect(error).toBeInstanceOf(InputFormatError);
    expect(error.name).toBe('InputFormatError');
    expect(error.byte).toBe(5000);
    expect(error.message).toBe('orders.csv.gz byte 5000: the gzip data ends early (unexpected end of file): the upload is truncated');
  });

  test('corrupt data is an InputFormatError naming the offset where decompression failed', async () => {
    const damaged = Buffer.from(gzipped);
    damaged[damaged.length - 6] = 255 - damaged[damaged.length - 6]; // in the CRC-32 of the trailer
    const error = await failure(piecesOf(damaged, 4096));
    expect(error).toBeInstanceOf(InputFormatError);
    expect(error.message).toMatch(/^orders\.csv\.gz byte \d+: the gzip data is corrupt \(incorrect data check\)$/);
    // Reported at zlib's granularity: after the data it could decompress, at or before the damage.
    expect(error.byte).toBeGreaterThan(gzipped.length / 2);
    expect(error.byte).toBeLessThanOrEqual(gzipped.length);
  });

  test('data that is not gzip at all fails at byte 0', async () => {
    const error = await failure([Buffer.from('id,name\n1,a\n')]);
    expect(error.message).toBe('orders.csv.gz byte 0: the gzip data is corrupt (incorrect header check)');
  });

  test('an error of the source itself passes through unchanged', async () => {
    async function* dropped() {
      yield gzipped.subarray(0, 100);
      throw new Error('socket hang up');
    }
    await expect(gunzip(dropped())).rejects.toThrow(/^socket hang up$/);
  });
});
