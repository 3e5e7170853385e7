/**
 * split-input against in-process S3: compressed and non-UTF-8 uploads become the same plain UTF-8
 * chunks as a plain UTF-8 upload of the same records.
 */
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import * as iconv from 'iconv-lite';
import { s3Client } from '../../lambda-src/shared/aws-clients';
import { readBytes, readJson } from '../../lambda-src/shared/s3-objects';
import { handler as splitInput } from '../../lambda-src/split-input';
import { ChunkRef, SplitResult } from '../../src/contract/run-payloads';
import { startLocalAws, LocalAws } from '../support/local-aws';

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
afterEach(() => {
  delete process.env.INPUT_ENCODING;
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

test('a Windows-1252 upload becomes UTF-8 chunks with the same line numbers', async () => {
  process.env.INPUT_ENCODING = 'windows-1252';
  await upload('input/cp1252.csv', iconv.encode(text, 'windows-1252'));
  expect(await chunksOf(await splitInput({ runId: 'cp1252', bucket, key: 'input/cp1252.csv' }))).toEqual(plain);
});

test('a gzip-compressed UTF-16 upload with a BOM is decompressed, then decoded', async () => {
  await upload('input/utf16.csv.gz', gzipSync(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])));
  expect(await chunksOf(await splitInput({ runId: 'utf16', bucket, key: 'input/utf16.csv.gz' }))).toEqual(plain);
});

test('a truncated .csv.gz fails with InputFormatError naming the file and the byte offset', async () => {
  const gz = gzipSync(Buffer.from(text.repeat(50)));
  await upload('input/cut.csv.gz', gz.subarray(0, 60));
  await expect(splitInput({ runId: 'cut', bucket, key: 'input/cut.csv.gz' })).rejects.toMatchObject({
    name: 'InputFormatError',
    message: 'cut.csv.gz byte 60: the gzip data ends early (unexpected end of file): the upload is truncated',
  });
});

test('an unknown INPUT_ENCODING is a configuration error naming the allowed values', async () => {
  process.env.INPUT_ENCODING = 'ebcdic';
  await expect(splitInput({ runId: 'bad', bucket, key: 'input/orders.csv' })).rejects.toThrow(/INPUT_ENCODING must be one of utf-8, windows-1252, iso-8859-1, utf-16le, utf-16be/);
});
