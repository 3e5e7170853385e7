/**
 * split-input against in-process S3: compressed uploads become the same plain chunks as a plain
 * upload of the same records.
 */
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { startLocalAws, LocalAws } from './local-aws';
import { ChunkRef, SplitResult } from '../../lambda-src/shared/contracts';
import { readBytes, readJson, s3Client } from '../../lambda-src/shared/s3-objects';
import { handler as splitInput } from '../../lambda-src/split-input';

const bucket = 'split-input';
let aws: LocalAws;

beforeAll(async () => {
  aws = await startLocalAws({ bucket });
  Object.assign(process.env, { BUCKET_NAME: bucket, LOG_LEVEL: 'error', CHUNK_SIZE: '2', DELIMITER: ',' });
});
afterAll(async () => {
  s3Client().destroy();
  await aws.close();
});

const text = 'id,name,note\r\n1,Renée,"say “hi”"\r\n2,Zoë,10 €\r\n\r\n3,"multi\r\nline",x\r\n';

async function upload(key: string, body: Buffer, contentEncoding?: string) {
  await s3Client().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'text/csv', ContentEncoding: contentEncoding }));
}

async function chunksOf(split: SplitResult): Promise<{ refs: ChunkRef[]; bodies: string[] }> {
  const refs = await readJson<ChunkRef[]>({ bucket, key: split.manifestKey });
  const bodies = await Promise.all(refs.map(async (ref) => (await readBytes({ bucket, key: ref.key })).toString('utf8')));
  return { refs: refs.map(({ key, ...rest }) => ({ ...rest, key: key.replace(split.runId, 'RUN') })), bodies };
}

let plain: { refs: ChunkRef[]; bodies: string[] };
beforeAll(async () => {
  await upload('input/orders.csv', Buffer.from(text));
  plain = await chunksOf(await splitInput({ runId: 'plain', bucket, key: 'input/orders.csv' }));
});

test('the plain upload is split as written', () => {
  expect(plain.refs.map((r) => [r.records, r.firstLine])).toEqual([[2, 2], [1, 5]]);
  expect(plain.bodies[1]).toBe('id,name,note\r\n3,"multi\r\nline",x\r\n');
});

test('a .csv.gz upload is decompressed as it streams: same chunks, plain output names, archived as uploaded', async () => {
  await upload('input/orders.csv.gz', gzipSync(Buffer.from(text)));
  const split = await splitInput({ runId: 'gz', bucket, key: 'input/orders.csv.gz' });
  expect(await chunksOf(split)).toEqual(plain);
  expect(split.outputKey).toBe('output/gz/orders.csv');
  expect(split.rejectsKey).toBe('output/gz/orders.rejects.csv');
  expect(split.archiveKey).toBe('archive/gz/orders.csv.gz');
});

test('a .csv stored with Content-Encoding gzip is decompressed too', async () => {
  await upload('input/encoded.csv', gzipSync(Buffer.from(text)), 'gzip');
  expect(await chunksOf(await splitInput({ runId: 'encoded', bucket, key: 'input/encoded.csv' }))).toEqual(plain);
});

test('a truncated .csv.gz fails with InputFormatError naming the file and the byte offset', async () => {
  const gz = gzipSync(Buffer.from(text.repeat(50)));
  await upload('input/cut.csv.gz', gz.subarray(0, 60));
  await expect(splitInput({ runId: 'cut', bucket, key: 'input/cut.csv.gz' })).rejects.toMatchObject({
    name: 'InputFormatError',
    message: 'cut.csv.gz byte 60: the gzip data ends early (unexpected end of file): the upload is truncated',
  });
});

