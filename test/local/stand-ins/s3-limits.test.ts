/**
 * S3's limits on copies and multipart uploads, crossed through the real SDK client against the S3 stand-in
 * (s3rver with local/stand-ins/s3-extensions.ts in front: s3-limits.ts enforces them, s3rver checks none).
 */
import * as fs from 'node:fs';
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand,
  PutObjectCommand, S3Client, UploadPartCommand, UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { completedPartNumbers, S3_LIMITS } from '../../../local/stand-ins/s3-limits';
import { S3StandIn, standInS3Client, startS3StandIn } from '../../../local/stand-ins/s3-stand-in';
import { tempFolder } from '../../support/temp-folder';

const bucket = 'limits';
const MiB = 1024 * 1024;

describe('S3 limits on the stand-in', () => {
  let directory: string;
  let standIn: S3StandIn;
  let s3: S3Client;
  beforeAll(async () => {
    directory = tempFolder('s3-limits-test-');
    standIn = await startS3StandIn(directory);
    s3 = standInS3Client(standIn.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(async () => {
    s3.destroy();
    await standIn.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  const rejection = (promise: Promise<unknown>) => promise.then(() => { throw new Error('the call was accepted'); }, (error: any) => ({
    name: error.name, message: error.message, status: error.$metadata?.httpStatusCode,
  }));
  /** An object of `bytes` as the stand-in stores it, without writing them: its file made sparse at that length. */
  const storeSparseObject = async (key: string, bytes: number) => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' }));
    fs.truncateSync(standIn.store.getResourcePath(bucket, key, 'object'), bytes);
    expect((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ContentLength).toBe(bytes);
  };
  const createUpload = async (key: string) => (await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))).UploadId!;

  test('CopyObject copies a source of 5 GiB; one byte more is refused with InvalidRequest', async () => {
    expect(S3_LIMITS.copySourceMaxBytes).toBe(5_368_709_120);
    await storeSparseObject('huge.bin', S3_LIMITS.copySourceMaxBytes + 1);
    expect(await rejection(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy.bin', CopySource: `${bucket}/huge.bin` })))).toEqual({
      name: 'InvalidRequest',
      message: 'The specified copy source is larger than the maximum allowable size for a copy source: 5368709120',
      status: 400,
    });
    expect(await rejection(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'copy.bin' })))).toMatchObject({ status: 404 });
    // At the limit the copy is accepted: onto itself, with new metadata, so that s3rver copies no bytes.
    await storeSparseObject('limit.bin', S3_LIMITS.copySourceMaxBytes);
    await s3.send(new CopyObjectCommand({
      Bucket: bucket, Key: 'limit.bin', CopySource: `${bucket}/limit.bin`, MetadataDirective: 'REPLACE', Metadata: { copied: 'yes' },
    }));
    expect((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'limit.bin' }))).Metadata).toEqual({ copied: 'yes' });
  }, 30_000);

  test('UploadPart and UploadPartCopy take part numbers 1 to 10,000; 0 and 10,001 are refused with InvalidArgument', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'small.txt', Body: 'abc' }));
    const UploadId = await createUpload('numbers.txt');
    const expected = { name: 'InvalidArgument', message: 'Part number must be an integer between 1 and 10000, inclusive', status: 400 };
    for (const PartNumber of [0, 10_001]) {
      expect(await rejection(s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'numbers.txt', UploadId, PartNumber, Body: 'abc' })))).toEqual(expected);
      expect(await rejection(s3.send(new UploadPartCopyCommand({
        Bucket: bucket, Key: 'numbers.txt', UploadId, PartNumber, CopySource: `${bucket}/small.txt`,
      })))).toEqual(expected);
    }
    const part = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'numbers.txt', UploadId, PartNumber: 10_000, Body: 'abc' }));
    await s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: 'numbers.txt', UploadId, PartNumber: 1, CopySource: `${bucket}/small.txt` }));
    await s3.send(new CompleteMultipartUploadCommand({
      Bucket: bucket, Key: 'numbers.txt', UploadId, MultipartUpload: { Parts: [{ PartNumber: 10_000, ETag: part.ETag }] },
    }));
    expect(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'numbers.txt' }))).Body!.transformToString()).toBe('abc');
  }, 30_000);

  test('every part but the last must be 5 MiB: CompleteMultipartUpload refuses a smaller one with EntityTooSmall', async () => {
    const upload = async (key: string, sizes: number[]) => {
      const UploadId = await createUpload(key);
      const Parts = [];
      for (const [i, size] of sizes.entries()) {
        const reply = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: i + 1, Body: Buffer.alloc(size, i) }));
        Parts.push({ PartNumber: i + 1, ETag: reply.ETag });
      }
      return s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts } }));
    };
    expect(await rejection(upload('too-small.bin', [5 * MiB - 1, 10]))).toEqual({
      name: 'EntityTooSmall', message: 'Your proposed upload is smaller than the minimum allowed object size.', status: 400,
    });
    expect(await rejection(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'too-small.bin' })))).toMatchObject({ status: 404 });
    // The last part may be as small as it is, and one part alone is the last.
    await upload('at-limit.bin', [5 * MiB, 1]);
    expect((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'at-limit.bin' }))).ContentLength).toBe(5 * MiB + 1);
    await upload('one-part.bin', [1]);
    expect((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'one-part.bin' }))).ContentLength).toBe(1);
  }, 30_000);

  test('completedPartNumbers reads the parts a CompleteMultipartUpload lists, in order', () => {
    expect(completedPartNumbers('<CompleteMultipartUpload><Part><ETag>"a"</ETag><PartNumber>1</PartNumber></Part><Part><PartNumber>3</PartNumber></Part></CompleteMultipartUpload>'))
      .toEqual([1, 3]);
  });
});
