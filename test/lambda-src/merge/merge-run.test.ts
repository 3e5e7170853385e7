import { CHUNK_FAILED, mergeRun, MergePlan, MergeSources } from '../../../lambda-src/merge/merge-run';
import { RecordCountMismatch } from '../../../lambda-src/shared/errors';
import { ChunkRef, RejectedRecord } from '../../../src/contract/run-payloads';

const header = ['id', 'name'];
const none: ReadonlySet<number> = new Set();
const chunks: ChunkRef[] = [
  { index: 0, key: 'chunks/0.csv', records: 3, firstLine: 2 },
  { index: 1, key: 'chunks/1.csv', records: 2, firstLine: 5 },
  { index: 2, key: 'chunks/2.csv', records: 2, firstLine: 8 },
];

interface Files {
  readonly processed: Record<number, string>;
  readonly rejects: Record<number, RejectedRecord[][]>;
  readonly chunk?: Record<number, string>;
  readonly lines?: Record<number, number[]>;
}

function sources(files: Files): MergeSources {
  return {
    processed: async (c) => [files.processed[c.index]],
    rejects: async (c) => files.rejects[c.index] ?? [[], []],
    chunkFile: async (c) => [files.chunk?.[c.index] ?? ''],
    chunkLines: async (c) => files.lines?.[c.index],
  };
}

/** Collects what a sink is given, as text. */
function collector() {
  // `completed`: the body ended without an error, as an upload completes only then.
  const sink = {
    text: '',
    completed: false,
    write: async (body: AsyncIterable<string | Buffer>) => {
      for await (const piece of body) sink.text += piece.toString();
      sink.completed = true;
    },
  };
  return sink;
}

async function run(plan: MergePlan, src: MergeSources) {
  const rejects = collector();
  const output = collector();
  const outcome = await mergeRun(plan, src, { writeRejects: rejects.write, writeOutput: output.write });
  return { outcome, rejects: rejects.text, output: output.text };
}

test('output has the header once and chunks in order; rejects are merged by line', async () => {
  const src = sources({
    processed: { 0: 'id,name\n1,"a,b"\n', 1: 'id,name\n4,d\n5,e\n', 2: 'id,name\n' },
    rejects: {
      0: [[{ line: 3, fields: ['2', 'x'], reasons: ['bad', 'worse'] }], [{ line: 2, fields: ['0'], reasons: ['enrich failed'] }]],
      2: [[{ line: 8, fields: ['6', 'q"r'], reasons: ['r1'] }, { line: 10, fields: ['7', 's\nt'], reasons: ['r2'] }], []],
    },
  });
  const { outcome, rejects, output } = await run({ header, delimiter: ',', records: 7, chunks, failedChunks: none }, src);
  expect(output).toBe('id,name\n1,"a,b"\n4,d\n5,e\n');
  expect(rejects).toBe('line,id,name,reasons\n2,0,enrich failed\n3,2,x,bad; worse\n8,6,"q""r",r1\n10,7,"s\nt",r2\n');
  expect(outcome).toEqual({ records: { total: 7, valid: 3, rejected: 4 }, failedChunks: 0 });
});

test('a failed chunk puts all its records in rejects, whatever files it left', async () => {
  const src = sources({
    // Chunk 1 failed after writing a processed file: the Map's outcome decides, not the file.
    processed: { 0: 'id,name\n1,a\n2,b\n3,c\n', 1: 'id,name\n4,"d\nd"\n', 2: 'id,name\n6,f\n7,g\n' },
    rejects: { 1: [[{ line: 5, fields: ['4', 'd'], reasons: ['ignored: the chunk failed'] }], []] },
    chunk: { 1: 'id,name\n4,"d\nd"\n5,e\n' },
  });
  const { outcome, rejects, output } = await run({ header, delimiter: ',', records: 7, chunks, failedChunks: new Set([1]) }, src);
  expect(rejects).toBe(`line,id,name,reasons\n5,4,"d\nd",${CHUNK_FAILED}\n7,5,e,${CHUNK_FAILED}\n`);
  expect(output).toBe('id,name\n1,a\n2,b\n3,c\n6,f\n7,g\n');
  expect(outcome).toEqual({ records: { total: 7, valid: 5, rejected: 2 }, failedChunks: 1 });
});

test('a failed chunk of a rejects file given back names its records by their lines in the original input', async () => {
  const reprocessed: ChunkRef[] = [
    { index: 0, key: 'chunks/0.csv', records: 2, firstLine: 4, linesKey: 'chunks/0.lines.json' },
    { index: 1, key: 'chunks/1.csv', records: 2, firstLine: 31, linesKey: 'chunks/1.lines.json' },
  ];
  const src = sources({
    processed: { 0: 'id,name\n1,a\n', 1: 'id,name\n' },
    rejects: { 0: [[{ line: 17, fields: ['2', ''], reasons: ['name: empty'] }], []] },
    chunk: { 1: 'id,name\n3,"c\nc"\n4,d\n' },
    lines: { 0: [4, 17], 1: [31, 58] },
  });
  const { rejects, outcome } = await run({ header, delimiter: ',', records: 4, chunks: reprocessed, failedChunks: new Set([1]) }, src);
  expect(rejects).toBe(`line,id,name,reasons\n17,2,,name: empty\n31,3,"c\nc",${CHUNK_FAILED}\n58,4,d,${CHUNK_FAILED}\n`);
  expect(outcome.records).toEqual({ total: 4, valid: 1, rejected: 3 });
});

test('counts that do not add up throw RecordCountMismatch before the output ends', async () => {
  const src = sources({ processed: { 0: 'id,name\n1,a\n', 1: 'id,name\n', 2: 'id,name\n' }, rejects: {} });
  await expect(run({ header, delimiter: ',', records: 7, chunks, failedChunks: none }, src)).rejects.toThrow(RecordCountMismatch);
  await expect(run({ header, delimiter: ',', records: 7, chunks, failedChunks: none }, src)).rejects.toThrow('7 records in the input but 1 valid + 0 rejected = 1');
});

test('a chunk whose header differs is named', async () => {
  const src = sources({ processed: { 0: 'id,name\n1,a\n', 1: 'id,NAME\n2,b\n', 2: 'id,name\n' }, rejects: {} });
  await expect(run({ header, delimiter: ',', records: 2, chunks, failedChunks: none }, src)).rejects.toThrow('processed chunk 1 (chunks/1.csv) has a header that differs from chunk 0');
});

test('a chunk without rows may lack the columns enrichment took from its answers: the header is that of the chunks with rows', async () => {
  // Chunk 0's records were all rejected: enrichment found no answer to take its columns from.
  const src = sources({
    processed: { 0: 'id,name\n', 1: 'id,name,score\n4,d,7\n', 2: 'id,name,score\n6,f,1\n' },
    rejects: { 0: [[], [1, 2, 3].map((line) => ({ line: line + 1, fields: [String(line), 'x'], reasons: ['no enrichment data'] }))] },
  });
  const plan = { header, delimiter: ',', records: 5, chunks: chunks.map((c) => (c.index === 2 ? { ...c, records: 1 } : c.index === 1 ? { ...c, records: 1 } : c)), failedChunks: none };
  const { outcome, output } = await run(plan, src);
  expect(output).toBe('id,name,score\n4,d,7\n6,f,1\n');
  expect(outcome.records).toEqual({ total: 5, valid: 2, rejected: 3 });
});

test('chunks without rows only: the output is the first chunk\'s header', async () => {
  const src = sources({ processed: { 0: 'id,name,score\n', 1: 'id,name\n', 2: 'id,name\n' }, rejects: { 0: [[{ line: 2, fields: ['1', 'a'], reasons: ['r'] }], []] } });
  const plan = { header, delimiter: ',', records: 1, chunks: chunks.map((c) => ({ ...c, records: c.index === 0 ? 1 : 0 })), failedChunks: none };
  expect((await run(plan, src)).output).toBe('id,name,score\n');
});

test('no chunks: the output is the header line only', async () => {
  const { outcome, output, rejects } = await run({ header: ['a;b', 'c'], delimiter: ';', records: 0, chunks: [], failedChunks: none }, sources({ processed: {}, rejects: {} }));
  expect(output).toBe('"a;b";c\n');
  expect(rejects).toBe('line;"a;b";c;reasons\n');
  expect(outcome.records).toEqual({ total: 0, valid: 0, rejected: 0 });
});

test('reads the chunks ahead, a bounded number at a time, and still writes them in input order', async () => {
  const many: ChunkRef[] = Array.from({ length: 40 }, (_, index) => ({ index, key: `chunks/${index}.csv`, records: 1, firstLine: index + 2 }));
  // Opens in flight, per pass, and of both passes at once.
  const inFlight = { processed: 0, rejects: 0 };
  const most = { processed: 0, rejects: 0, both: 0 };
  // Each open waits a little, as a GET waits for its first byte; some chunks answer faster than earlier ones.
  const slowly = async <T>(pass: 'processed' | 'rejects', index: number, value: T): Promise<T> => {
    inFlight[pass]++;
    most[pass] = Math.max(most[pass], inFlight[pass]);
    most.both = Math.max(most.both, inFlight.processed + inFlight.rejects);
    await new Promise((resolve) => setTimeout(resolve, index % 3 === 0 ? 6 : 1));
    inFlight[pass]--;
    return value;
  };
  const src: MergeSources = {
    processed: (c) => slowly('processed', c.index, [`id,name\n${c.index},n${c.index}\n`]),
    rejects: (c) => slowly('rejects', c.index, [[], []]),
    chunkFile: async () => [''],
    chunkLines: async () => undefined,
  };
  const rejects = collector();
  const output = collector();
  const plan = { header, delimiter: ',', records: 40, chunks: many, failedChunks: none };
  const outcome = await mergeRun(plan, src, { writeRejects: rejects.write, writeOutput: output.write }, { readAhead: 5 });
  expect(output.text).toBe(`id,name\n${many.map((c) => `${c.index},n${c.index}\n`).join('')}`);
  expect(rejects.text).toBe('line,id,name,reasons\n');
  expect(outcome.records).toEqual({ total: 40, valid: 40, rejected: 0 });
  // Ahead: more than one open at a time; bounded: the depth, plus the one being merged, in each pass.
  expect(most.processed).toBeGreaterThan(1);
  expect(most.processed).toBeLessThanOrEqual(6);
  expect(most.rejects).toBeLessThanOrEqual(6);
  // The two passes run at once: the rejects' GETs wait while the output is worked on.
  expect(most.both).toBeGreaterThan(Math.max(most.processed, most.rejects));
});

test('the rejects and the output are written at once, and a failed rejects pass fails the output before its end', async () => {
  const src = sources({ processed: { 0: 'id,name\n1,a\n2,b\n3,c\n', 1: 'id,name\n4,d\n5,e\n', 2: 'id,name\n6,f\n7,g\n' }, rejects: {} });
  const failing: MergeSources = {
    ...src,
    rejects: async (c) => {
      // After the output pass has started: it must not finish as if the count could be checked.
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (c.index === 2) throw new Error('GetObject failed: chunk 2 rejects');
      return [[], []];
    },
  };
  const rejects = collector();
  const output = collector();
  const plan = { header, delimiter: ',', records: 7, chunks, failedChunks: none };
  await expect(mergeRun(plan, failing, { writeRejects: rejects.write, writeOutput: output.write })).rejects.toThrow('GetObject failed: chunk 2 rejects');
  expect(output.text).toContain('id,name\n1,a');
  expect(output.completed).toBe(false);
  expect(rejects.completed).toBe(false);
});

test('a failed rejects pass stops the output pass at its next chunk, not after reading every chunk', async () => {
  const many: ChunkRef[] = Array.from({ length: 40 }, (_, i) => ({ index: i, key: `chunks/${i}.csv`, records: 1, firstLine: i + 2 }));
  let processedReads = 0;
  const failing: MergeSources = {
    processed: async (c) => {
      processedReads++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return [`id,name\n${c.index},x\n`];
    },
    rejects: async (c) => {
      if (c.index === 1) throw new Error('GetObject failed: chunk 1 rejects');
      return [[], []];
    },
    chunkFile: async () => [''],
    chunkLines: async () => undefined,
  };
  const rejects = collector();
  const output = collector();
  const plan = { header, delimiter: ',', records: 40, chunks: many, failedChunks: none };
  await expect(mergeRun(plan, failing, { writeRejects: rejects.write, writeOutput: output.write }, { readAhead: 2 }))
    .rejects.toThrow('GetObject failed: chunk 1 rejects');
  expect(output.completed).toBe(false);
  // The chunk being read and those read ahead of it, at most: not the 40.
  expect(processedReads).toBeLessThan(10);
});
