import { csvRecordsOf } from '../../../lambda-src/shared/csv-records';
import { EmptyFile, HeaderError } from '../../../lambda-src/shared/errors';
import { ChunkFile, ChunkSplitter } from '../../../lambda-src/split/chunk-splitter';

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

  test('with explicitLines each chunk lists its records\' lines, whatever their physical lines', () => {
    const splitter = new ChunkSplitter({ file, delimiter: ',', chunkSize: 2, explicitLines: true });
    const line = (n: number, text: string) => ({ line: n, bytes: Buffer.from(text), raw: Buffer.from(text + '\n'), rawStart: 0 });
    expect(splitter.add(line(1, 'id,v'))).toBeUndefined();
    expect(splitter.add(line(7, '1,a'))).toBeUndefined();
    expect(splitter.add(line(40, '2,"b\nb"'))).toMatchObject({ index: 0, records: 2, firstLine: 7, lines: [7, 40], body: Buffer.from('id,v\n1,a\n2,"b\nb"\n') });
    expect(splitter.add(line(41, '3,c'))).toBeUndefined();
    expect(splitter.finish()).toMatchObject({ index: 1, records: 1, firstLine: 41, lines: [41] });
    // Without it, a chunk carries no lines: they follow from firstLine.
    expect(split('id,v\n1,a\n', 2)[0].lines).toBeUndefined();
  });
});
