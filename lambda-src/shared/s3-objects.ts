/**
 * The few S3 operations the handlers need, over the real SDK and the handlers' one S3 client
 * (aws-clients.ts).
 */
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { s3Client } from './aws-clients';

/**
 * True for the errors S3 gives for an object (or its version) that is not there, or that the caller may
 * not read. Which of the two a missing key gets depends on the caller: 404 (`NoSuchKey`, `NotFound`)
 * only with `s3:ListBucket` on the bucket, else 403 AccessDenied
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, "Permissions"), and whether a
 * ListBucket grant conditioned on `s3:prefix` counts is not documented. So the error alone never says
 * that an object is missing: ask `objectExists`.
 */
export function isMissingOrRefused(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.name === 'AccessDenied' || status === 404 || status === 403;
}

export interface ObjectRef {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
}

/** An object being read: its body as a byte stream and the header that says how it is encoded. */
export interface OpenObject {
  readonly body: Readable;
  /** The object's `Content-Encoding` (e.g. `gzip`), if it was stored with one. */
  readonly contentEncoding?: string;
}

/** Starts reading an object; throws when the object is missing. */
export async function openObject(ref: ObjectRef): Promise<OpenObject> {
  const reply = await s3Client().send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.versionId }));
  return { body: reply.Body as Readable, contentEncoding: reply.ContentEncoding };
}

/** The object's body as a byte stream; throws when the object is missing. */
export async function readObjectStream(ref: ObjectRef): Promise<Readable> {
  return (await openObject(ref)).body;
}

export async function readBytes(ref: ObjectRef): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of await readObjectStream(ref)) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

export async function readText(ref: ObjectRef): Promise<string> {
  return (await readBytes(ref)).toString('utf8');
}

export async function readJson<T>(ref: ObjectRef): Promise<T> {
  return JSON.parse(await readText(ref)) as T;
}

/**
 * Whether the object exists (its current version), by listing its key: one ListObjectsV2 with the key as
 * the prefix, which needs `s3:ListBucket` with an `s3:prefix` condition that covers the key. Not a HEAD:
 * a HEAD of a missing key answers 404 only to a caller that may list the bucket, else 403 (see
 * `isMissingOrRefused`). The key itself sorts first among the keys it is a prefix of, so one key suffices.
 */
export async function objectExists(ref: ObjectRef): Promise<boolean> {
  const page = await s3Client().send(new ListObjectsV2Command({ Bucket: ref.bucket, Prefix: ref.key, MaxKeys: 1 }));
  return page.Contents?.[0]?.Key === ref.key;
}

/** The keys under `prefix` (every page of ListObjectsV2), which needs `s3:ListBucket` with an `s3:prefix` condition that covers it. */
export async function listKeys(bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3Client().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/** Parsed values of a JSON Lines byte stream, one per non-empty line. */
export async function* jsonLinesOf<T>(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<T> {
  // The decoder keeps a multi-byte character that straddles two pieces whole.
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const piece of source) {
    const text = rest + (typeof piece === 'string' ? piece : decoder.write(Buffer.from(piece)));
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') yield JSON.parse(line) as T;
  }
  rest += decoder.end();
  if (rest.trim() !== '') yield JSON.parse(rest) as T;
}

/** All values of a JSON Lines object; throws when the object is missing (an empty object reads as none). */
export async function readJsonLinesArray<T>(ref: ObjectRef): Promise<T[]> {
  const values: T[] = [];
  for await (const value of jsonLinesOf<T>(await readObjectStream(ref))) values.push(value);
  return values;
}

/** JSON Lines text for values (each line terminated). */
export function toJsonLines(values: Iterable<unknown>): string {
  let text = '';
  for (const value of values) text += JSON.stringify(value) + '\n';
  return text;
}

export async function writeObject(ref: ObjectRef, body: string | Uint8Array, contentType: string): Promise<void> {
  // An explicit length: without it the SDK takes an empty body for a stream of unknown length.
  const ContentLength = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
  await s3Client().send(new PutObjectCommand({ Bucket: ref.bucket, Key: ref.key, Body: body, ContentType: contentType, ContentLength }));
}

export async function writeText(ref: ObjectRef, text: string, contentType = 'text/plain; charset=utf-8'): Promise<void> {
  await writeObject(ref, text, contentType);
}

export async function writeJson(ref: ObjectRef, value: unknown): Promise<void> {
  await writeObject(ref, JSON.stringify(value), 'application/json');
}

/**
 * Uploads what `source` yields as one object without holding it all: lib-storage sends it in
 * parts (multipart once it passes one part), keeping at most `queueSize` parts in memory.
 * If `source` throws, nothing is published.
 */
export async function uploadStream(
  ref: ObjectRef,
  source: AsyncIterable<Uint8Array | string>,
  contentType: string,
): Promise<void> {
  const upload = new Upload({
    client: s3Client(),
    params: { Bucket: ref.bucket, Key: ref.key, Body: Readable.from(asBuffers(source)), ContentType: contentType },
    queueSize: 4,
    partSize: 8 * 1024 * 1024,
  });
  await upload.done();
}

async function* asBuffers(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<Buffer> {
  for await (const piece of source) yield typeof piece === 'string' ? Buffer.from(piece, 'utf8') : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
}

export async function deleteObject(ref: ObjectRef): Promise<void> {
  await s3Client().send(new DeleteObjectCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.versionId }));
}
