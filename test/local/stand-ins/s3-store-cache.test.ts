/**
 * The S3 stand-in's cache of what s3rver reads from its files (local/stand-ins/s3-store-cache.ts), through the
 * real SDK client: every answer equals what s3rver reads from the files themselves, after each kind of write.
 */
import * as fs from 'node:fs';
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteBucketCommand, DeleteBucketCorsCommand,
  DeleteObjectCommand, GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, PutBucketCorsCommand, PutObjectCommand, S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { S3StandIn, standInS3Client, startS3StandIn } from '../../../local/stand-ins/s3-stand-in';
import { tempFolder } from '../../support/temp-folder';

const bucket = 'cached';

describe('the S3 stand-in\'s cache of its files', () => {
  let directory: string;
  let standIn: S3StandIn;
  let s3: S3Client;
  let endpoint: string;
  beforeAll(async () => {
    directory = tempFolder('s3-store-cache-test-');
    standIn = await startS3StandIn(directory);
    endpoint = standIn.endpoint;
    s3 = standInS3Client(endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(async () => {
    s3.destroy();
    await standIn.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  /** What s3rver's own FilesystemStore reads from the files, around the cache. */
  const fromFiles = (key: string) => Object.getPrototypeOf(standIn.store).getMetadata.call(standIn.store, bucket, key);
  /** What the store answers with the cache (what GET, HEAD, copies and listings are built from). */
  const served = (key: string) => standIn.store.getMetadata(bucket, key);
  const head = async (key: string) => {
    const answer = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const { ContentLength: length, ETag: etag, ContentType: type, Metadata: metadata, CacheControl: cacheControl } = answer;
    return { length, etag, type, metadata, cacheControl };
  };
  const text = async (key: string) => (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();

  test('an object written, overwritten, copied over and deleted is served with the metadata its files hold', async () => {
    await s3.send(new PutObjectCommand({
      Bucket: bucket, Key: 'a.csv', Body: 'one,two\n', ContentType: 'text/csv', CacheControl: 'no-cache', Metadata: { source: 'first' },
    }));
    expect(await served('a.csv')).toEqual(await fromFiles('a.csv'));
    expect(await head('a.csv')).toEqual({ length: 8, etag: expect.any(String), type: 'text/csv', metadata: { source: 'first' }, cacheControl: 'no-cache' });

    // Overwritten: the new metadata, size and MD5, none of the old.
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a.csv', Body: 'three\n', ContentType: 'text/plain', Metadata: { other: 'second' } }));
    expect(await served('a.csv')).toEqual(await fromFiles('a.csv'));
    expect(await head('a.csv')).toEqual({ length: 6, etag: expect.any(String), type: 'text/plain', metadata: { other: 'second' }, cacheControl: undefined });
    expect(await text('a.csv')).toBe('three\n');

    // Copied onto a key already read (and kept): the source's metadata and content.
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'b.csv', Body: 'bee\n', Metadata: { source: 'b' } }));
    await head('b.csv');
    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'b.csv', CopySource: `${bucket}/a.csv` }));
    expect(await served('b.csv')).toEqual(await fromFiles('b.csv'));
    expect((await head('b.csv')).metadata).toEqual({ other: 'second' });
    // Copied onto itself with new metadata (s3rver writes the MD5 file itself).
    await s3.send(new CopyObjectCommand({
      Bucket: bucket, Key: 'b.csv', CopySource: `${bucket}/b.csv`, MetadataDirective: 'REPLACE', Metadata: { replaced: 'yes' },
    }));
    expect(await served('b.csv')).toEqual(await fromFiles('b.csv'));
    expect((await head('b.csv')).metadata).toEqual({ replaced: 'yes' });

    // Deleted: gone, and put again from nothing.
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'a.csv' }));
    await expect(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'a.csv' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a.csv', Body: 'again\n' }));
    expect(await served('a.csv')).toEqual(await fromFiles('a.csv'));
    expect(await text('a.csv')).toBe('again\n');
  });

  test('a multipart upload is served with the metadata it was created with; size and time stay the file\'s own', async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'm.csv', ContentType: 'text/csv', Metadata: { parts: '2' } }));
    const part1 = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'm.csv', UploadId, PartNumber: 1, Body: 'x'.repeat(5 * 1024 * 1024) }));
    const part2 = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'm.csv', UploadId, PartNumber: 2, Body: 'tail\n' }));
    await s3.send(new CompleteMultipartUploadCommand({
      Bucket: bucket, Key: 'm.csv', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part1.ETag }, { PartNumber: 2, ETag: part2.ETag }] },
    }));
    expect(await served('m.csv')).toEqual(await fromFiles('m.csv'));
    expect(await head('m.csv')).toMatchObject({ length: 5 * 1024 * 1024 + 5, type: 'text/csv', metadata: { parts: '2' } });
    // The file changed behind the store's back: its size is read from the file, as s3rver reads it.
    fs.truncateSync(standIn.store.getResourcePath(bucket, 'm.csv', 'object'), 10);
    expect((await head('m.csv')).length).toBe(10);
    expect(await served('m.csv')).toEqual(await fromFiles('m.csv'));
  });

  test('each object\'s tags are its own (object subresources are not kept as a bucket\'s)', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 't1.csv', Body: '1', Tagging: 'run=one' }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 't2.csv', Body: '2', Tagging: 'run=two' }));
    const tags = async (key: string) => (await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }))).TagSet;
    expect(await tags('t1.csv')).toEqual([{ Key: 'run', Value: 'one' }]);
    expect(await tags('t2.csv')).toEqual([{ Key: 'run', Value: 'two' }]);
  });

  test('a bucket\'s CORS configuration is applied from the request after it is put, and not after it is deleted', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'cors.txt', Body: 'c' }));
    const allowedOrigin = async () => (await fetch(`${endpoint}/${bucket}/cors.txt`, { headers: { origin: 'https://app.example.com' } }))
      .headers.get('access-control-allow-origin');
    // Read (and kept) while the bucket has none.
    expect(await allowedOrigin()).toBeNull();
    await s3.send(new PutBucketCorsCommand({
      Bucket: bucket, CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['https://app.example.com'], AllowedMethods: ['GET'] }] },
    }));
    expect(await allowedOrigin()).toBe('https://app.example.com');
    expect(await allowedOrigin()).toBe('https://app.example.com');
    await s3.send(new DeleteBucketCorsCommand({ Bucket: bucket }));
    expect(await allowedOrigin()).toBeNull();
  });

  test('a bucket deleted and created again has none of the configuration it had', async () => {
    const other = 'recreated';
    await s3.send(new CreateBucketCommand({ Bucket: other }));
    await s3.send(new PutObjectCommand({ Bucket: other, Key: 'x.txt', Body: 'x' }));
    const allowedOrigin = async () => (await fetch(`${endpoint}/${other}/x.txt`, { headers: { origin: 'https://app.example.com' } }))
      .headers.get('access-control-allow-origin');
    await s3.send(new PutBucketCorsCommand({
      Bucket: other, CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['GET'] }] },
    }));
    expect(await allowedOrigin()).toBe('*');
    await s3.send(new DeleteObjectCommand({ Bucket: other, Key: 'x.txt' }));
    await s3.send(new DeleteBucketCommand({ Bucket: other }));
    await expect(s3.send(new PutObjectCommand({ Bucket: other, Key: 'x.txt', Body: 'x' }))).rejects.toMatchObject({ name: 'NoSuchBucket' });
    await s3.send(new CreateBucketCommand({ Bucket: other }));
    await s3.send(new PutObjectCommand({ Bucket: other, Key: 'x.txt', Body: 'x' }));
    expect(await allowedOrigin()).toBeNull();
  });
});
