import { splitRecords } from '../../../lambda-src/split/split-records';

const file = 'orders.csv';
const rows = (n: number) => Array.from({ length: n }, (_, i) => `${i + 1},v${i + 1}`);

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

describe('splitRecords of a rejects file given back', () => {
  const rejectsFile = [
    'line,id,v,reasons',
    '4,3,v3,v: too short',
    '',
    '17,16,"v\n16",id: not a number; v: too long',
    '"230",229,v229,"expected 2 fields, found 3"',
  ].join('\r\n') + '\r\n';
  const split = (name: string, input: string) => {
    const bodies: string[] = [];
    const lines: number[][] = [];
    const outcome = splitRecords([input], {
      file: name,
      delimiter: ',',
      chunkSize: 2,
      writeLines: async (chunk) => {
        lines[chunk.index] = chunk.lines!;
        return `chunks/${chunk.index}.lines.json`;
      },
    }, async (chunk) => {
      bodies[chunk.index] = chunk.body.toString();
      return `chunks/${chunk.index}.csv`;
    });
    return outcome.then((o) => ({ ...o, bodies, lines }));
  };

  test('splits the records between line and reasons, each chunk with its records\' lines in the original input', async () => {
    const outcome = await split('orders.rejects.csv', rejectsFile);
    expect(outcome.rejectsFile).toBe(true);
    expect(outcome.header).toEqual(['id', 'v']);
    expect(outcome.records).toBe(3);
    expect(outcome.chunks).toEqual([
      { index: 0, key: 'chunks/0.csv', records: 2, firstLine: 4, linesKey: 'chunks/0.lines.json' },
      { index: 1, key: 'chunks/1.csv', records: 1, firstLine: 230, linesKey: 'chunks/1.lines.json' },
    ]);
    expect(outcome.bodies).toEqual(['id,v\n3,v3\n16,"v\n16"\n', 'id,v\n229,v229\n']);
    expect(outcome.lines).toEqual([[4, 17], [230]]);
  });

  test('the same header under another name, or that name with another header, is data: every column stays', async () => {
    const lookAlike = await split('orders.csv', rejectsFile);
    expect(lookAlike.rejectsFile).toBe(false);
    expect(lookAlike.header).toEqual(['line', 'id', 'v', 'reasons']);
    expect(lookAlike.chunks.map((c) => [c.firstLine, c.linesKey])).toEqual([[2, undefined], [6, undefined]]);
    expect(lookAlike.bodies[0]).toBe('line,id,v,reasons\r\n4,3,v3,v: too short\r\n\r\n17,16,"v\n16",id: not a number; v: too long\r\n');
    const named = await split('orders.rejects.csv', 'line,id,v\n4,3,v3\n');
    expect(named.rejectsFile).toBe(false);
    expect(named.header).toEqual(['line', 'id', 'v']);
    expect(named.bodies).toEqual(['line,id,v\n4,3,v3\n']);
  });

  test('a row out of order fails the split naming the uploaded file\'s line; a caller that cannot write lines is refused', async () => {
    await expect(split('orders.rejects.csv', 'line,id,reasons\n9,a,r\n5,b,r\n')).rejects.toMatchObject({
      name: 'InputFormatError', message: 'orders.rejects.csv line 3: the rows of a rejects file must keep the order of their lines in the original input, each line once: line 5 comes after line 9',
    });
    await expect(splitRecords([rejectsFile], { file: 'orders.rejects.csv', delimiter: ',', chunkSize: 2 }, async () => 'k'))
      .rejects.toThrow('orders.rejects.csv is a rejects file given back: splitting it needs writeLines');
  });
});
