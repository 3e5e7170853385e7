/**
 * copyObject against the local S3 stand-in (s3rver with local/s3-extensions.ts in front) through the
 * real SDK client: CopyObject below the threshold, a multipart copy above it.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  CreateBucketCommand, GetObjectTaggingCommand, HeadObjectCommand, ListMultipartUploadsCommand, PutBucketVersioningCommand,
  PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import { s3Client } from '../../../lambda-src/shared/aws-clients';
import { copyObject, copyParts, partSizeFor, S3_COPY_LIMITS } from '../../../lambda-src/shared/object-copy';
import { objectExists, readBytes } from '../../../lambda-src/shared/s3-objects';
import { startLocalAws, LocalAws } from '../../support/local-aws';

const MiB = 1024 * 1024;
const bucket = 'object-copy';
const versionedBucket = 'object-copy-versioned';
let aws: LocalAws;
const client = () => s3Client();

beforeAll(async () => {
  aws = await startLocalAws({ bucket });
  await client().send(new CreateBucketCommand({ Bucket: versionedBucket }));
});
afterAll(async () => {
  s3Client().destroy();
  await aws.close();
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function putSource(key: string, body: Buffer, inBucket = bucket) {
  return client().send(new PutObjectCommand({
    Bucket: inBucket,
    Key: key,
    Body: body,
    ContentLength: body.length,
    ContentType: 'text/csv; charset=utf-8',
    ContentDisposition: 'attachment; filename="orders.csv"',
    Metadata: { origin: 'upload', run: 'r-1' },
    Tagging: 'classification=internal&owner=data%20team',
  }));
}

async function describeObject(key: string, inBucket = bucket) {
  const head = await client().send(new HeadObjectCommand({ Bucket: inBucket, Key: key }));
  const tags = await client().send(new GetObjectTaggingCommand({ Bucket: inBucket, Key: key }));
  return {
    contentType: head.ContentType,
    contentDisposition: head.ContentDisposition,
    metadata: head.Metadata,
    tags: (tags.TagSet ?? []).map((t) => `${t.Key}=${t.Value}`).sort(),
  };
}

const kept = {
  contentType: 'text/csv; charset=utf-8',
  contentDisposition: 'attachment; filename="orders.csv"',
  metadata: { origin: 'upload', run: 'r-1' },
  tags: ['classification=internal', 'owner=data team'],
};

async function openUploads(inBucket = bucket) {
  const reply = await client().send(new ListMultipartUploadsCommand({ Bucket: inBucket }));
  return reply.Uploads ?? [];
}

test('an object up to the threshold is copied with one CopyObject, content type, metadata and tags kept', async () => {
  const body = Buffer.from('id,name\n1,Zoë\n');
  await putSource('input/small.csv', body);
  const copied = await copyObject({ bucket, key: 'input/small.csv' }, { bucket, key: 'archive/small.csv' });
  expect(copied).toMatchObject({ method: 'copy-object', bytes: body.length, parts: 1 });
  expect((await readBytes({ bucket, key: 'archive/small.csv' })).equals(body)).toBe(true);
  expect(await describeObject('archive/small.csv')).toEqual(kept);
});

test('a larger object is copied in parts, in parallel, byte for byte, content type, metadata and tags kept', async () => {
  const body = randomBytes(12 * MiB + 123);
  await putSource('input/big.csv', body);
  const copied = await copyObject({ bucket, key: 'input/big.csv' }, { bucket, key: 'archive/big.csv' }, { multipartThreshold: 5 * MiB, partSize: 5 * MiB, concurrency: 2 });
  expect(copied).toMatchObject({ method: 'multipart', bytes: body.length, parts: 3 });
  expect(sha256(await readBytes({ bucket, key: 'archive/big.csv' }))).toBe(sha256(body));
  expect(await describeObject('archive/big.csv')).toEqual(kept);
  expect(await openUploads()).toEqual([]);
});

describe('a given source version', () => {
  const first = Buffer.alloc(6 * MiB, 'a');
  const second = Buffer.alloc(6 * MiB, 'b');
  let firstVersion: string;

  beforeAll(async () => {
    await client().send(new PutBucketVersioningCommand({ Bucket: versionedBucket, VersioningConfiguration: { Status: 'Enabled' } }));
    firstVersion = (await putSource('input/orders.csv', first, versionedBucket)).VersionId!;
    const secondVersion = (await client().send(new PutObjectCommand({ Bucket: versionedBucket, Key: 'input/orders.csv', Body: second }))).VersionId;
    expect(firstVersion).toBeTruthy();
    expect(secondVersion).not.toBe(firstVersion);
  });

  test.each([
    ['with CopyObject', {}],
    ['in parts', { multipartThreshold: 5 * MiB, partSize: 5 * MiB }],
  ])('is the one copied, %s, with its own tags', async (_how, options) => {
    const target = { bucket: versionedBucket, key: `archive/${_how}.csv` };
    await copyObject({ bucket: versionedBucket, key: 'input/orders.csv', versionId: firstVersion }, target, options);
    expect(sha256(await readBytes(target))).toBe(sha256(first));
    expect(await describeObject(target.key, versionedBucket)).toEqual(kept);
  });

  test('without a version, the current one is copied', async () => {
    await copyObject({ bucket: versionedBucket, key: 'input/orders.csv' }, { bucket: versionedBucket, key: 'archive/current.csv' });
    expect(sha256(await readBytes({ bucket: versionedBucket, key: 'archive/current.csv' }))).toBe(sha256(second));
  });

  test('a version that does not exist fails the copy', async () => {
    await expect(copyObject({ bucket: versionedBucket, key: 'input/orders.csv', versionId: 'no-such-version' }, { bucket: versionedBucket, key: 'archive/none.csv' }))
      .rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });
});

test('a failed multipart copy is aborted: no upload and no object are left', async () => {
  const body = randomBytes(11 * MiB);
  await putSource('input/fails.csv', body);
  // A real client whose second part copy fails on the way out, as a dropped connection would.
  const failing = new S3Client({ forcePathStyle: true });
  failing.middlewareStack.add((next, context) => async (args: any) => {
    if (context.commandName === 'UploadPartCopyCommand' && args.input.PartNumber === 2) throw new Error('connection reset');
    return next(args);
  }, { step: 'initialize' });
  let aborted = 0;
  failing.middlewareStack.add((next, context) => async (args) => {
    if (context.commandName === 'AbortMultipartUploadCommand') aborted++;
    return next(args);
  }, { step: 'initialize' });
  await expect(copyObject({ bucket, key: 'input/fails.csv' }, { bucket, key: 'archive/fails.csv' }, {
    client: failing, multipartThreshold: 5 * MiB, partSize: 5 * MiB, concurrency: 1,
  })).rejects.toThrow('connection reset');
  failing.destroy();
  expect(aborted).toBe(1);
  expect(await openUploads()).toEqual([]);
  expect(await objectExists({ bucket, key: 'archive/fails.csv' })).toBe(false);
});

describe('part sizes', () => {
  test('keep to S3 limits: at least the preferred size, at most 10,000 parts', () => {
    expect(partSizeFor(6 * 1024 * MiB)).toBe(256 * MiB);
    const huge = S3_COPY_LIMITS.maxObjectBytes;
    const size = partSizeFor(huge);
    expect(size % MiB).toBe(0);
    expect(Math.ceil(huge / size)).toBeLessThanOrEqual(10_000);
    expect(copyParts(huge, size).length).toBeLessThanOrEqual(10_000);
    expect(() => partSizeFor(MiB, MiB)).toThrow(/partSize must be an integer from 5242880 to 5368709120/);
    expect(() => partSizeFor(huge + 1)).toThrow(/object size/);
  });

  test('cover the object exactly, in order', () => {
    expect(copyParts(12, 5)).toEqual([
      { partNumber: 1, first: 0, last: 4 }, { partNumber: 2, first: 5, last: 9 }, { partNumber: 3, first: 10, last: 11 },
    ]);
    expect(copyParts(10, 5).map((p) => p.last)).toEqual([4, 9]);
  });
});
