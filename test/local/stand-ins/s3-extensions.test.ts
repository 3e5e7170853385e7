/**
 * What local/s3-extensions.ts adds to the S3 stand-in, through the real SDK client: UploadPartCopy,
 * AbortMultipartUpload, ListMultipartUploads, reads of a version, and the first-byte latency model.
 */
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand,
  HeadObjectCommand, ListMultipartUploadsCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client, UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { standInS3Client } from '../../../local/stand-ins/s3-stand-in';
import { StandIns, startStandIns } from '../../../local/stand-ins/stand-ins';

const bucket = 'extensions';
const source = Buffer.from('0123456789abcdefghij');

const clientFor = (standIns: StandIns) => standInS3Client(standIns.s3Endpoint);

async function timedGet(s3: S3Client): Promise<number> {
  const started = performance.now();
  const reply = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'source.txt' }));
  await reply.Body!.transformToByteArray();
  return performance.now() - started;
}

describe('multipart copy operations', () => {
  let standIns: StandIns;
  let s3: S3Client;
  beforeAll(async () => {
    standIns = await startStandIns();
    s3 = clientFor(standIns);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'source.txt', Body: source }));
  });
  afterAll(async () => {
    s3.destroy();
    await standIns.close();
  });

  const createUpload = async (key: string) => (await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))).UploadId!;
  const openUploads = async () => (await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? [];

  test('UploadPartCopy copies the byte range it names', async () => {
    const UploadId = await createUpload('range.txt');
    expect((await openUploads()).map((u) => [u.Key, u.UploadId])).toEqual([['range.txt', UploadId]]);
    const part = await s3.send(new UploadPartCopyCommand({
      Bucket: bucket, Key: 'range.txt', UploadId, PartNumber: 1, CopySource: `${bucket}/source.txt`, CopySourceRange: 'bytes=3-9',
    }));
    await s3.send(new CompleteMultipartUploadCommand({
      Bucket: bucket, Key: 'range.txt', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.CopyPartResult!.ETag }] },
    }));
    const copied = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'range.txt' }));
    expect(await copied.Body!.transformToString()).toBe('3456789');
    expect(await openUploads()).toEqual([]);
  });

  test('UploadPartCopy refuses a source whose ETag does not match', async () => {
    const UploadId = await createUpload('stale.txt');
    await expect(s3.send(new UploadPartCopyCommand({
      Bucket: bucket, Key: 'stale.txt', UploadId, PartNumber: 1, CopySource: `${bucket}/source.txt`, CopySourceIfMatch: '"not-the-etag"',
    }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'stale.txt', UploadId }));
  });

  test('AbortMultipartUpload removes the upload and its parts', async () => {
    const UploadId = await createUpload('aborted.txt');
    await s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: 'aborted.txt', UploadId, PartNumber: 1, CopySource: `${bucket}/source.txt` }));
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'aborted.txt', UploadId }));
    expect(await openUploads()).toEqual([]);
    await expect(s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: 'aborted.txt', UploadId, PartNumber: 2, CopySource: `${bucket}/source.txt` })))
      .rejects.toMatchObject({ name: 'NoSuchUpload' });
    await expect(s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'aborted.txt', UploadId }))).rejects.toMatchObject({ name: 'NoSuchUpload' });
  });
});

test('in a versioned bucket, GetObject and HeadObject read the version asked for and name it', async () => {
  const standIns = await startStandIns();
  const s3 = clientFor(standIns);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const first = (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'data/kept.txt', Body: 'first' }))).VersionId!;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'data/kept.txt', Body: 'second, longer' }));
    const read = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'data/kept.txt', VersionId: first }));
    expect({ body: await read.Body!.transformToString(), versionId: read.VersionId }).toEqual({ body: 'first', versionId: first });
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'data/kept.txt', VersionId: first }));
    expect({ length: head.ContentLength, versionId: head.VersionId }).toEqual({ length: 5, versionId: first });
    await expect(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'data/kept.txt', VersionId: 'no-such-version' })))
      .rejects.toMatchObject({ name: 'NoSuchVersion' });
  } finally {
    s3.destroy();
    await standIns.close();
  }
});

// Not a speed test: only that the delay is there with the option and not without, with wide margins.
test('with s3LatencyMs, every S3 response starts that much later; without, it does not', async () => {
  const latencyMs = 800;
  const measure = async (options: { s3LatencyMs?: number }) => {
    const standIns = await startStandIns(options);
    const s3 = clientFor(standIns);
    try {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'source.txt', Body: source }));
      return await timedGet(s3);
    } finally {
      s3.destroy();
      await standIns.close();
    }
  };
  expect(await measure({ s3LatencyMs: latencyMs })).toBeGreaterThanOrEqual(latencyMs);
  expect(await measure({})).toBeLessThan(latencyMs);
});
