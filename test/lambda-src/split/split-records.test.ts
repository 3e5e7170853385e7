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
