import { s3Client } from '../../../lambda-src/shared/aws-clients';
import {
  deleteObject, isMissingOrRefused, jsonLinesOf, objectExists, readBytes, readJson, readJsonLinesArray,
  toJsonLines, uploadStream, writeJson, writeText,
} from '../../../lambda-src/shared/s3-objects';
import { startLocalAws, LocalAws } from '../../support/local-aws';

let aws: LocalAws;
const bucket = 'objects-test';
const ref = (key: string) => ({ bucket, key });

beforeAll(async () => {
  aws = await startLocalAws({ bucket });
});
afterAll(async () => {
  s3Client().destroy();
  await aws.close();
});

test('writes and reads text and JSON', async () => {
  await writeText(ref('a/b.txt'), 'héllo');
  expect((await readBytes(ref('a/b.txt'))).toString()).toBe('héllo');
  await writeJson(ref('a/c.json'), { n: 1, s: ['x'] });
  expect(await readJson(ref('a/c.json'))).toEqual({ n: 1, s: ['x'] });
});

test('JSON Lines: written and streamed back; an empty object reads as none, a missing one is an error', async () => {
  const values = [{ line: 2, fields: ['a\nb'] }, { line: 9, fields: ['é'] }];
  await writeText(ref('r.jsonl'), toJsonLines(values));
  expect(await readJsonLinesArray(ref('r.jsonl'))).toEqual(values);
  await writeText(ref('empty.jsonl'), toJsonLines([]));
  expect(await readJsonLinesArray(ref('empty.jsonl'))).toEqual([]);
  await expect(readJsonLinesArray(ref('missing.jsonl'))).rejects.toMatchObject({ name: 'NoSuchKey' });
});

test('objectExists lists the key itself: not a longer key it is a prefix of', async () => {
  await writeText(ref('listed/run.json.bak'), 'x');
  expect(await objectExists(ref('listed/run.json'))).toBe(false);
  await writeText(ref('listed/run.json'), 'x');
  expect(await objectExists(ref('listed/run.json'))).toBe(true);
});

test('isMissingOrRefused: 404 and 403 alike, nothing else', () => {
  expect(isMissingOrRefused({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } })).toBe(true);
  expect(isMissingOrRefused({ name: 'NotFound', $metadata: { httpStatusCode: 404 } })).toBe(true);
  expect(isMissingOrRefused({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })).toBe(true);
  expect(isMissingOrRefused({ name: 'InternalError', $metadata: { httpStatusCode: 500 } })).toBe(false);
  expect(isMissingOrRefused(new Error('socket hang up'))).toBe(false);
});

test('jsonLinesOf keeps a multi-byte character split across pieces', async () => {
  const bytes = Buffer.from(toJsonLines([{ s: '€uro' }, { s: 'x' }]));
  async function* pieces() {
    for (let i = 0; i < bytes.length; i += 3) yield bytes.subarray(i, i + 3);
  }
  const values = [];
  for await (const value of jsonLinesOf(pieces())) values.push(value);
  expect(values).toEqual([{ s: '€uro' }, { s: 'x' }]);
});

test('uploadStream uploads what an async iterable yields, across several parts', async () => {
  const piece = Buffer.alloc(1024 * 1024, 'x');
  async function* source() {
    for (let i = 0; i < 9; i++) yield piece;
    yield 'end';
  }
  await uploadStream(ref('big.bin'), source(), 'application/octet-stream');
  const body = await readBytes(ref('big.bin'));
  expect(body.length).toBe(9 * piece.length + 3);
  expect(body.subarray(-4).toString()).toBe('xend');
});

test('uploadStream publishes nothing when the source fails', async () => {
  async function* source() {
    yield 'partial';
    throw new Error('source failed');
  }
  await expect(uploadStream(ref('failed.csv'), source(), 'text/csv')).rejects.toThrow('source failed');
  expect(await objectExists(ref('failed.csv'))).toBe(false);
});

test('deletes objects', async () => {
  await writeText(ref('gone.txt'), 'x');
  expect(await objectExists(ref('gone.txt'))).toBe(true);
  await deleteObject(ref('gone.txt'));
  expect(await objectExists(ref('gone.txt'))).toBe(false);
});

test('the client opens up to 128 connections, past the SDK\'s default of 50: split and merge keep more requests than that in flight', async () => {
  await writeText(ref('sockets.txt'), 'x');
  const handler = s3Client().config.requestHandler as unknown as { httpHandlerConfigs(): { httpAgent?: { maxSockets?: number } } };
  expect(handler.httpHandlerConfigs().httpAgent?.maxSockets).toBe(128);
});
