/**
 * split-input → validate-chunk → record-rejects → merge-chunks, as the state machines call them,
 * against in-process S3 and DynamoDB.
 */
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { handler as mergeChunks } from '../../lambda-src/merge-chunks';
import { handler as recordRejects } from '../../lambda-src/record-rejects';
import { s3Client } from '../../lambda-src/shared/aws-clients';
import { csvRecordsOf } from '../../lambda-src/shared/csv-records';
import { objectExists, readBytes, readJson, writeObject } from '../../lambda-src/shared/s3-objects';
import { handler as splitInput } from '../../lambda-src/split-input';
import { handler as validateChunk } from '../../lambda-src/validate-chunk';
import { createActiveTable } from '../../local/stand-ins/active-table';
import { ChunkRef, RunPlan, SplitResult } from '../../src/contract/run-payloads';
import { startLocalAws, LocalAws } from '../support/local-aws';

const bucket = 'data-path';
const table = 'rejects';
let aws: LocalAws;
let dynamodb: DynamoDBClient;

beforeAll(async () => {
  aws = await startLocalAws({ bucket, dynamodb: true });
  Object.assign(process.env, { BUCKET_NAME: bucket, REJECTS_TABLE: table, LOG_LEVEL: 'error' });
  dynamodb = new DynamoDBClient({});
  await createActiveTable(dynamodb, {
    TableName: table,
    KeySchema: [{ AttributeName: 'runId', KeyType: 'HASH' }, { AttributeName: 'line', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'runId', AttributeType: 'S' }, { AttributeName: 'line', AttributeType: 'N' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
});

afterAll(async () => {
  s3Client().destroy();
  dynamodb.destroy();
  await aws.close();
});

beforeEach(() => {
  Object.assign(process.env, { CHUNK_SIZE: '3', DELIMITER: ',', VALIDATOR: 'none', ENRICHMENT: 'false' });
  delete process.env.RECORD_SCHEMA;
});

/**
 * What the Distributed Map's ResultWriter exports for the run's chunks, in the documented shape
 * (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html):
 * the chunks in `failed` failed, the others succeeded.
 */
async function writeMapResults(runId: string, chunks: ChunkRef[], failed: number[]) {
  const folder = `runs/${runId}/map-results/0f4c3b1e/`;
  const child = (chunk: ChunkRef) => ({ Input: JSON.stringify({ runId, chunk }), Status: failed.includes(chunk.index) ? 'FAILED' : 'SUCCEEDED' });
  const files: Record<string, Array<{ Key: string; Size: number }>> = { SUCCEEDED: [], FAILED: [], PENDING: [] };
  for (const status of ['SUCCEEDED', 'FAILED']) {
    const entries = chunks.map(child).filter((entry) => entry.Status === status);
    if (entries.length === 0) continue;
    const body = JSON.stringify(entries);
    await writeObject({ bucket, key: `${folder}${status}_0.json` }, body, 'application/json');
    files[status].push({ Key: `${folder}${status}_0.json`, Size: body.length });
  }
  const mapRunArn = 'arn:aws:states:us-east-1:123456789012:mapRun:orchestrator/ProcessChunks:0f4c3b1e';
  await writeObject({ bucket, key: `${folder}manifest.json` }, JSON.stringify({ DestinationBucket: bucket, MapRunArn: mapRunArn, ResultFiles: files }), 'application/json');
  return { mapRunArn, resultsKey: `${folder}manifest.json` };
}

async function runPipeline(runId: string, key: string, input: Buffer | string, options: { failedChunks?: number[] } = {}) {
  await writeObject({ bucket, key }, input, 'text/csv');
  const split = await splitInput({ runId, bucket, key });
  const manifest = await readJson<ChunkRef[]>({ bucket, key: split.manifestKey });
  const validations = [];
  for (const chunk of manifest) {
    // As the Distributed Map's ItemSelector builds each chunk's task: the delimiter from the split result.
    validations.push(await validateChunk({ runId, delimiter: split.delimiter, chunk }));
    await recordRejects({ runId, chunk });
  }
  const map = await writeMapResults(runId, manifest, options.failedChunks ?? []);
  const merge = await mergeChunks({ runId, split, map });
  const output = (await readBytes({ bucket, key: merge.stagedOutputKey })).toString('utf8');
  const rejects = (await readBytes({ bucket, key: merge.stagedRejectsKey })).toString('utf8');
  return { split, manifest, validations, merge, output, rejects };
}

async function storedRejects(runId: string) {
  const reply = await dynamodb.send(new QueryCommand({
    TableName: table, KeyConditionExpression: 'runId = :r', ExpressionAttributeValues: { ':r': { S: runId } },
  }));
  return (reply.Items ?? []).map((item) => ({
    line: Number(item.line.N),
    chunk: Number(item.chunk.N),
    fields: item.fields.L!.map((f) => f.S),
    reasons: item.reasons.L!.map((r) => r.S),
  }));
}

test('quoted fields round-trip byte for byte, and every input record is in the output or the rejects', async () => {
  const valid = [
    '1,"Smith, John","He said ""hi""",plain',
    '2,"multi\r\nline",x,y',
    '3,,"",z',
    '4,"a\nb\nc",é€😀,w',
    '6,ok,ok,ok',
    '8,last,"x,y",z',
  ];
  const input = Buffer.concat([
    Buffer.from('\ufeffid,name,quote,note\r\n' + valid.slice(0, 3).join('\r\n') + '\r\n\r\n' + valid[3] + '\n'),
    Buffer.from('5,too,few\n'),
    Buffer.from(valid[4] + '\n'),
    Buffer.from('7,'), Buffer.from([0xff, 0xfe]), Buffer.from(',bad,utf8\n'),
    Buffer.from(valid[5]),
  ]);
  const { split, manifest, validations, merge, output, rejects } = await runPipeline('run-roundtrip', 'input/my orders.csv', input);

  expect(split).toEqual({
    runId: 'run-roundtrip',
    manifestKey: 'runs/run-roundtrip/manifest.json',
    chunkCount: 3,
    records: 8,
    delimiter: ',',
    outputKey: 'output/run-roundtrip/my orders.csv',
    rejectsKey: 'output/run-roundtrip/my orders.rejects.csv',
    summaryKey: 'output/run-roundtrip/summary.json',
    archiveKey: 'archive/run-roundtrip/my orders.csv',
    copySource: 'data-path/input/my%20orders.csv',
  } satisfies SplitResult);
  expect(manifest.map((c) => [c.index, c.records, c.firstLine])).toEqual([[0, 3, 2], [1, 3, 7], [2, 2, 12]]);
  const plan = await readJson<RunPlan>({ bucket, key: 'runs/run-roundtrip/run.json' });
  expect(plan.header).toEqual(['id', 'name', 'quote', 'note']);
  expect(validations.map((v) => [v.valid, v.rejected])).toEqual([[3, 0], [2, 1], [1, 1]]);

  expect(output).toBe('id,name,quote,note\n' + valid.join('\n') + '\n');
  expect(rejects).toBe('line,id,name,quote,note,reasons\n10,5,too,few,expected 4 fields, found 3\n12,7,\ufffd\ufffd,bad,utf8,invalid UTF-8\n'
    .replace('expected 4 fields, found 3', '"expected 4 fields, found 3"'));
  expect(merge).toEqual({
    records: { total: 8, valid: 6, rejected: 2 },
    outputKey: split.outputKey,
    rejectsKey: split.rejectsKey,
    stagedOutputKey: 'runs/run-roundtrip/merged/my orders.csv',
    stagedRejectsKey: 'runs/run-roundtrip/merged/my orders.rejects.csv',
    failedChunks: 0,
  });
  // Merging publishes nothing: notify does, once the whole run succeeded.
  expect(await objectExists({ bucket, key: split.outputKey })).toBe(false);
  const inputRecords = csvRecordsOf(input, { file: 'in' }).length - 1;
  expect(csvRecordsOf(output, { file: 'out' }).length - 1 + csvRecordsOf(rejects, { file: 'rej' }).length - 1).toBe(inputRecords);

  expect(await storedRejects('run-roundtrip')).toEqual([
    { line: 10, chunk: 1, fields: ['5', 'too', 'few'], reasons: ['expected 4 fields, found 3'] },
    { line: 12, chunk: 2, fields: ['7', '\ufffd\ufffd', 'bad', 'utf8'], reasons: ['invalid UTF-8'] },
  ]);
});

test('json-schema rejects with readable reasons; a chunk without a processed file goes to rejects', async () => {
  process.env.VALIDATOR = 'json-schema';
  process.env.RECORD_SCHEMA = JSON.stringify({
    type: 'object',
    properties: { 'uuid': { pattern: '^\\d{9}$' }, 'Sales Channel': { enum: ['Online', 'Offline'] } },
  });
  process.env.CHUNK_SIZE = '2';
  const input = 'uuid,Sales Channel\n535113847,Online\n12,Online\n874708545,Retail\n100000001,Offline\n100000002,Online\n';
  // Chunk 1 failed late, after its processed file was written: it is still a failed chunk.
  const { merge, output, rejects, validations } = await runPipeline('run-schema', 'input/orders.csv', input, { failedChunks: [1] });
  expect(await objectExists({ bucket, key: validations[1].validKey })).toBe(true);
  expect(output).toBe('uuid,Sales Channel\n535113847,Online\n100000002,Online\n');
  expect(rejects).toBe([
    'line,uuid,Sales Channel,reasons',
    '3,12,Online,uuid: must match ^\\d{9}$',
    '4,874708545,Retail,chunk processing failed',
    '5,100000001,Offline,chunk processing failed',
    '',
  ].join('\n'));
  expect(merge.records).toEqual({ total: 5, valid: 2, rejected: 3 });
  expect(merge.failedChunks).toBe(1);
  expect((await storedRejects('run-schema')).map((r) => [r.line, r.reasons])).toEqual([
    [3, ['uuid: must match ^\\d{9}$']],
    [4, ['Sales Channel: must be one of Online, Offline']],
  ]);
});

test('a rejects file given back: each record keeps its original line in chunks, rejects, table and merge', async () => {
  process.env.VALIDATOR = 'json-schema';
  process.env.RECORD_SCHEMA = JSON.stringify({ type: 'object', properties: { uuid: { pattern: '^\\d{9}$' } } });
  process.env.CHUNK_SIZE = '2';
  const input = [
    'line,uuid,Country,reasons',
    '7,535113847,Chad,Country: fixed now',
    '19,12,Peru,uuid: must match ^\\d{9}$',
    '"33",874708545,"Côte d\'Ivoire, ""west""",expected 3 fields',
    '58,100000002,Japan,x',
    '',
  ].join('\n');
  // Chunk 1 (lines 33 and 58) fails in the Map: its records are rejected by their original lines too.
  const { split, manifest, output, rejects, merge } = await runPipeline('run-reprocess', 'input/orders.rejects.csv', input, { failedChunks: [1] });
  expect([split.outputKey, split.rejectsKey]).toEqual(['output/run-reprocess/orders.csv', 'output/run-reprocess/orders.rejects.csv']);
  expect(manifest).toEqual([
    { index: 0, key: 'runs/run-reprocess/chunks/00000.csv', records: 2, firstLine: 7, linesKey: 'runs/run-reprocess/chunks/00000.lines.json' },
    { index: 1, key: 'runs/run-reprocess/chunks/00001.csv', records: 2, firstLine: 33, linesKey: 'runs/run-reprocess/chunks/00001.lines.json' },
  ]);
  expect(await readJson({ bucket, key: manifest[1].linesKey! })).toEqual([33, 58]);
  expect((await readJson<RunPlan>({ bucket, key: 'runs/run-reprocess/run.json' })).header).toEqual(['uuid', 'Country']);
  expect(output).toBe('uuid,Country\n535113847,Chad\n');
  expect(rejects).toBe([
    'line,uuid,Country,reasons',
    '19,12,Peru,uuid: must match ^\\d{9}$',
    '33,874708545,"Côte d\'Ivoire, ""west""",chunk processing failed',
    '58,100000002,Japan,chunk processing failed',
    '',
  ].join('\n'));
  expect(merge.records).toEqual({ total: 4, valid: 1, rejected: 3 });
  expect(merge.stagedOutputKey).toBe('runs/run-reprocess/merged/orders.csv');
  expect((await storedRejects('run-reprocess')).map((r) => [r.line, r.chunk, r.fields])).toEqual([[19, 0, ['12', 'Peru']]]);
});

test('with enrichment configured, valid records go to the validated chunk for enrich-chunk', async () => {
  process.env.ENRICHMENT = 'true';
  await writeObject({ bucket, key: 'input/e.csv' }, 'a,b\n1,"x\ny"\n', 'text/csv');
  const split = await splitInput({ runId: 'run-enrich', bucket, key: 'input/e.csv' });
  const [chunk] = await readJson<ChunkRef[]>({ bucket, key: split.manifestKey });
  const result = await validateChunk({ runId: 'run-enrich', delimiter: split.delimiter, chunk });
  expect(result).toEqual({ valid: 1, rejected: 0, validKey: 'runs/run-enrich/validated/00000.json' });
  expect(JSON.parse((await readBytes({ bucket, key: result.validKey })).toString())).toEqual({ lines: [2], records: ['1,"x\ny"'] });
  expect(await objectExists({ bucket, key: 'runs/run-enrich/processed/00000.csv' })).toBe(false);
});

test('a header-only file has no chunks and an output of the header only', async () => {
  const { split, output, merge } = await runPipeline('run-header-only', 'input/h.csv', 'id,"a,b"\r\n');
  expect(split.chunkCount).toBe(0);
  expect(await readJson({ bucket, key: split.manifestKey })).toEqual([]);
  expect(output).toBe('id,"a,b"\n');
  expect(merge.records).toEqual({ total: 0, valid: 0, rejected: 0 });
});

test('split errors name the file and line', async () => {
  await writeObject({ bucket, key: 'input/bad.csv' }, 'a,b\n1,2\n3,"open\n4,5\n', 'text/csv');
  await expect(splitInput({ runId: 'run-bad', bucket, key: 'input/bad.csv' })).rejects.toMatchObject({
    name: 'InputFormatError', message: 'bad.csv line 3: unterminated quoted field',
  });
  await writeObject({ bucket, key: 'input/empty.csv' }, '', 'text/csv');
  await expect(splitInput({ runId: 'run-empty', bucket, key: 'input/empty.csv' })).rejects.toMatchObject({ name: 'EmptyFile' });
  await writeObject({ bucket, key: 'input/dup.csv' }, 'a,b,a\n1,2,3\n', 'text/csv');
  await expect(splitInput({ runId: 'run-dup', bucket, key: 'input/dup.csv' })).rejects.toMatchObject({ name: 'HeaderError' });
});
