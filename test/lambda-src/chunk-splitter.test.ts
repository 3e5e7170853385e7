import { csvRecordsOf } from '../../lambda-src/shared/csv-records';
import { EmptyFile, HeaderError } from '../../lambda-src/shared/errors';
import { ChunkFile, ChunkSplitter } from '../../lambda-src/split/chunk-splitter';
import { splitRecords } from '../../lambda-src/split/split-records';

const file = 'orders.csv';

function split(input: string, chunkSize: number): ChunkFile[] {
  const splitter = new ChunkSplitter({ file, delimiter: ',', chunkSize });
  const chunks: ChunkFile[] = [];
  for (const record of csvRecordsOf(input, { file })) {
    const chunk = splitter.add(record);
    if (chunk) chunks.push(chunk);
  }
  const last = splitter.finish();
  if (last) chunks.push(last);
  return chunks;
}

const rows = (n: number) => Array.from({ length: n }, (_, i) => `${i + 1},v${i + 1}`);

describe('ChunkSplitter', () => {
  test.each([
    [6, 3, [3, 3]],
    [7, 3, [3, 3, 1]],
    [3, 3, [3]],
    [1, 3, [1]],
  ])('%i records in chunks of %i', (n, size, expected) => {
    const chunks = split(['id,v', ...rows(n)].join('\n') + '\n', size);
    expect(chunks.map((c) => c.records)).toEqual(expected);
    expect(chunks.map((c) => c.index)).toEqual(expected.map((_, i) => i));
    expect(chunks.map((c) => c.firstLine)).toEqual(expected.map((_, i) => 2 + i * size));
    for (const [i, chunk] of chunks.entries()) {
      const body = chunk.body.toString();
      expect(body.startsWith('id,v\n')).toBe(true);
      expect(body.slice('id,v\n'.length)).toBe(rows(n).slice(i * size, (i + 1) * size).join('\n') + '\n');
    }
  });

  test('a chunk is the exact input slice: CRLF, blank lines and quoted newlines stay, so line offsets hold', () => {
    const input = 'id,v\r\n1,"a\r\nb"\r\n\r\n2,x\r\n3,"c\nd\ne"\n4,y\n\n\n5,z';
    const chunks = split(input, 2);
    expect(chunks.map((c) => c.body.toString())).toEqual([
      'id,v\r\n1,"a\r\nb"\r\n\r\n2,x\r\n',
      'id,v\r\n3,"c\nd\ne"\n4,y\n',
      'id,v\r\n5,z\n',
    ]);
    expect(chunks.map((c) => c.firstLine)).toEqual([2, 6, 12]);
    // Every record's input line = firstLine + its physical offset from the chunk's first record.
    for (const chunk of chunks) {
      const [, first, ...rest] = csvRecordsOf(chunk.body, { file });
      const inputLines = csvRecordsOf(input, { file });
      for (const record of [first, ...rest]) {
        const line = chunk.firstLine + record.line - first.line;
        expect(inputLines.find((r) => r.line === line)?.bytes.toString()).toBe(record.bytes.toString());
      }
    }
  });

  test('an empty input is EmptyFile, a header-only input has no chunks', () => {
    expect(() => split('', 2)).toThrow(EmptyFile);
    expect(() => split('\n\r\n', 2)).toThrow('orders.csv is empty');
    expect(split('id,v\n', 2)).toEqual([]);
  });

  test('duplicate and empty column names are HeaderError naming them', () => {
    expect(() => split('id,v,id\n1,2,3\n', 2)).toThrow(HeaderError);
    expect(() => split('id,v,id\n1,2,3\n', 2)).toThrow('orders.csv line 1 (header): duplicate column name "id"');
    expect(() => split('id,,v\n1,2,3\n', 2)).toThrow('empty column name in column 2');
  });
});

describe('splitRecords', () => {
  test('writes each chunk once, with bounded concurrency, and lists them in order', async () => {
    const input = ['id,v', ...rows(10)].join('\n');
    const written: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    async function* pieces() {
      for (let i = 0; i < input.length; i += 7) yield input.slice(i, i + 7);
    }
    const outcome = await splitRecords(pieces(), { file, delimiter: ',', chunkSize: 3, writeConcurrency: 2 }, async (chunk) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5 * (4 - chunk.index)));
      written.push(chunk.body.toString());
      inFlight--;
      return `chunks/${chunk.index}.csv`;
    });
    expect(outcome.header).toEqual(['id', 'v']);
    expect(outcome.records).toBe(10);
    expect(outcome.chunks).toEqual([
      { index: 0, key: 'chunks/0.csv', records: 3, firstLine: 2 },
      { index: 1, key: 'chunks/1.csv', records: 3, firstLine: 5 },
      { index: 2, key: 'chunks/2.csv', records: 3, firstLine: 8 },
      { index: 3, key: 'chunks/3.csv', records: 1, firstLine: 11 },
    ]);
    expect(written).toHaveLength(4);
    expect(maxInFlight).toBe(2);
  });

  test('holds back reading when the chunks being written reach the byte budget', async () => {
    const input = ['id,v', ...rows(12)].join('\n');
    const bodyBytes = splitRecords([input], { file, delimiter: ',', chunkSize: 2 }, async (chunk) => `${chunk.body.length}`);
    const largest = Math.max(...(await bodyBytes).chunks.map((c) => Number(c.key)));
    let bytesInFlight = 0;
    let maxBytesInFlight = 0;
    let maxInFlight = 0;
    let inFlight = 0;
    await splitRecords([input], { file, delimiter: ',', chunkSize: 2, writeConcurrency: 10, writeBufferBytes: 2 * largest }, async (chunk) => {
      inFlight++;
      bytesInFlight += chunk.body.length;
      maxInFlight = Math.max(maxInFlight, inFlight);
      maxBytesInFlight = Math.max(maxBytesInFlight, bytesInFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      bytesInFlight -= chunk.body.length;
      return `chunks/${chunk.index}.csv`;
    });
    expect(maxBytesInFlight).toBeLessThanOrEqual(2 * largest);
    expect(maxInFlight).toBe(2);
  });

  test('a chunk larger than the byte budget is still written, alone', async () => {
    const input = ['id,v', ...rows(6)].join('\n');
    let inFlight = 0;
    let maxInFlight = 0;
    const outcome = await splitRecords([input], { file, delimiter: ',', chunkSize: 2, writeBufferBytes: 1 }, async (chunk) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return `chunks/${chunk.index}.csv`;
    });
    expect(outcome.chunks).toHaveLength(3);
    expect(maxInFlight).toBe(1);
  });

  test('a failed write fails the split', async () => {
    const input = ['id,v', ...rows(10)].join('\n');
    await expect(splitRecords([input], { file, delimiter: ',', chunkSize: 2 }, async () => {
      throw new Error('S3 is down');
    })).rejects.toThrow('S3 is down');
  });
});
