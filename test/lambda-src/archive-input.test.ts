/**
 * archive-input against the local S3 stand-in (s3rver with local/stand-ins/s3-extensions.ts): the
 * upload's version copied under the archive prefix with its tags, in parts above the threshold, and
 * the step repeated as a retry or a redrive repeats it.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  CreateBucketCommand, DeleteObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, ListMultipartUploadsCommand,
  PutBucketVersioningCommand, PutObjectCommand,
} from '@aws-sdk/client-s3';
import { handler } from '../../lambda-src/archive-input';
import { s3Client } from '../../lambda-src/shared/aws-clients';
import { readBytes } from '../../lambda-src/shared/s3-objects';
import { ArchiveTask } from '../../src/contract/execution-states';
import { COPY_MULTIPART_THRESHOLD } from '../../src/contract/handler-environment';
import { SplitResult } from '../../src/contract/run-payloads';
import { LocalAws, startLocalAws } from '../support/local-aws';

const MiB = 1024 * 1024;
const bucket = 'archive-input';
let aws: LocalAws;

beforeAll(async () => {
  aws = await startLocalAws({ bucket });
  await s3Client().send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  process.env.BUCKET_NAME = bucket;
});
afterAll(async () => {
  s3Client().destroy();
  await aws.close();
});
afterEach(() => { delete process.env[COPY_MULTIPART_THRESHOLD.name]; });

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function upload(key: string, body: Buffer): Promise<string> {
  const put = await s3Client().send(new PutObjectCommand({
    Bucket: bucket, Key: key, Body: body, ContentLength: body.length, ContentType: 'text/csv', Tagging: 'source=partner%20feed',
  }));
  return put.VersionId!;
}

function taskFor(runId: string, key: string, versionId?: string): ArchiveTask {
  const split = { archiveKey: `archive/${runId}/${key.slice('input/'.length)}` } as SplitResult;
  return { runId, bucket, key, versionId, split };
}

async function archived(key: string) {
  const head = await s3Client().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  const tags = await s3Client().send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
  return { sha256: sha256(await readBytes({ bucket, key })), contentType: head.ContentType, tags: tags.TagSet };
}

test('copies the uploaded version under the archive prefix with one CopyObject, content type and tags kept', async () => {
  const body = Buffer.from('uuid,Country\n1,Chad\n');
  const versionId = await upload('input/small.csv', body);
  // Overwritten after the run started: the run's own version is the one archived.
  await upload('input/small.csv', Buffer.from('uuid,Country\n2,Peru\n'));

  const result = await handler(taskFor('run-small', 'input/small.csv', versionId));
  expect(result).toEqual({ archiveKey: 'archive/run-small/small.csv', method: 'copy-object', bytes: body.length, parts: 1 });
  expect(await archived(result.archiveKey)).toEqual({ sha256: sha256(body), contentType: 'text/csv', tags: [{ Key: 'source', Value: 'partner feed' }] });
});

test(`above ${COPY_MULTIPART_THRESHOLD.name} the copy is made in parts, byte for byte, tags kept, no upload left open`, async () => {
  process.env[COPY_MULTIPART_THRESHOLD.name] = String(MiB);
  const body = randomBytes(6 * MiB + 17);
  const versionId = await upload('input/large.csv.gz', body);

  const result = await handler(taskFor('run-large', 'input/large.csv.gz', versionId));
  expect(result).toEqual({ archiveKey: 'archive/run-large/large.csv.gz', method: 'multipart', bytes: body.length, parts: 1 });
  expect(await archived(result.archiveKey)).toEqual({ sha256: sha256(body), contentType: 'text/csv', tags: [{ Key: 'source', Value: 'partner feed' }] });
  expect((await s3Client().send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? []).toEqual([]);
});

test('a repeated step (a retry, a redrive) finds the input archived already and succeeds, the archive unchanged', async () => {
  const body = Buffer.from('uuid,Country\n3,Fiji\n');
  await upload('input/again.csv', body);
  // No version: as in an unversioned bucket, where the input, once deleted, is gone.
  const task = taskFor('run-again', 'input/again.csv');
  await handler(task);
  expect(await handler(task)).toMatchObject({ method: 'copy-object' });

  // The input gone since (removed by someone else; notify only removes it after this step): still archived.
  await s3Client().send(new DeleteObjectCommand({ Bucket: bucket, Key: 'input/again.csv' }));
  expect(await handler(task)).toEqual({ archiveKey: 'archive/run-again/again.csv', method: 'already-archived' });
  expect((await archived('archive/run-again/again.csv')).sha256).toBe(sha256(body));
});

test('an input that is gone, with no archive, fails the step', async () => {
  await expect(handler(taskFor('run-missing', 'input/missing.csv'))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
});

test('the threshold setting must be a positive integer', async () => {
  process.env[COPY_MULTIPART_THRESHOLD.name] = '5 GB';
  await expect(handler(taskFor('run-bad', 'input/small.csv'))).rejects.toThrow(`environment variable ${COPY_MULTIPART_THRESHOLD.name} must be a positive integer`);
});

test('a bucket that was never versioned: the current object is archived', async () => {
  await s3Client().send(new CreateBucketCommand({ Bucket: 'unversioned' }));
  await s3Client().send(new PutObjectCommand({ Bucket: 'unversioned', Key: 'input/plain.csv', Body: 'a\n1\n' }));
  process.env.BUCKET_NAME = 'unversioned';
  try {
    const result = await handler({ ...taskFor('run-plain', 'input/plain.csv'), bucket: 'unversioned' });
    expect(result).toMatchObject({ method: 'copy-object', bytes: 4 });
    expect((await readBytes({ bucket: 'unversioned', key: result.archiveKey })).toString()).toBe('a\n1\n');
  } finally {
    process.env.BUCKET_NAME = bucket;
  }
});
