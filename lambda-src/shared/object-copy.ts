/**
 * Copies one S3 object to another key, whatever its size: CopyObject up to a threshold (at most
 * CopyObject's limit of 5 GiB), a multipart copy above it. Either way the copy keeps the source's
 * content type, other content headers, user metadata and tags, and a given source version is the
 * one copied.
 *
 * Permissions (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html and the table in
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions):
 * - both paths: `s3:GetObject` on the source (HeadObject and the copy read it; `s3:GetObjectVersion`
 *   when a version is given) and `s3:PutObject` on the target;
 * - tags: CopyObject copies them by default (tagging directive COPY), multipart reads them with
 *   GetObjectTagging (`s3:GetObjectTagging`, `s3:GetObjectVersionTagging` for a version) and
 *   passes them to CreateMultipartUpload, which then needs `s3:PutObjectTagging` on the target;
 *   S3 documents the same pair for CopyObject copying tags;
 * - multipart only: `s3:AbortMultipartUpload` on the target, to clean up after a failure.
 * With `copyTags: false` neither tagging permission is needed: the copy gets no tags.
 * src/object-grants.ts grants exactly these (`tags`, `versions`, `multipart` options).
 */
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand,
  GetObjectTaggingCommand, HeadObjectCommand, HeadObjectCommandOutput, S3Client, UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { s3Client } from './aws-clients';
import { mapWithConcurrency } from './concurrency-pool';
import { copySourceOf } from './copy-source';
import { ObjectRef } from './s3-objects';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** S3's limits: https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html */
export const S3_COPY_LIMITS = {
  /** The largest object CopyObject copies in one request. */
  copyObjectMaxBytes: 5 * GiB,
  /** Every part but the last is at least this large. */
  minPartBytes: 5 * MiB,
  maxPartBytes: 5 * GiB,
  maxParts: 10_000,
  maxObjectBytes: 5 * 1024 * GiB,
} as const;

/** The part size a multipart copy starts from: 256 MiB keeps a 5 GiB object to 20 parts. */
export const DEFAULT_COPY_PART_BYTES = 256 * MiB;

export interface ObjectCopyOptions {
  /**
   * The largest object copied with one CopyObject request; a larger one is copied in parts.
   * Lower it to exercise the multipart path on small objects.
   *
   * @default 5 GiB, CopyObject's limit
   */
  readonly multipartThreshold?: number;
  /**
   * The size of each part but the last, 5 MiB to 5 GiB; raised when the object would otherwise
   * need more than 10,000 parts.
   *
   * @default DEFAULT_COPY_PART_BYTES
   */
  readonly partSize?: number;
  /**
   * UploadPartCopy requests in flight at once.
   *
   * @default 8
   */
  readonly concurrency?: number;
  /**
   * Copy the source's tags. Without them the copy has none, and the caller needs no tagging
   * permission (CopyObject replaces the tag set with an empty one; no GetObjectTagging).
   *
   * @default true
   */
  readonly copyTags?: boolean;
  /** @default the handlers' shared client (s3Client()) */
  readonly client?: S3Client;
}

export interface CopiedObject {
  /** How it was copied. */
  readonly method: 'copy-object' | 'multipart';
  readonly bytes: number;
  /** Parts of a multipart copy; 1 for CopyObject. */
  readonly parts: number;
  /** The new object's version, when the target bucket is versioned. */
  readonly versionId?: string;
}

/** One UploadPartCopy: its number and its inclusive byte range in the source. */
export interface CopyPart {
  readonly partNumber: number;
  readonly first: number;
  readonly last: number;
}

function checkRange(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  return value;
}

/**
 * The part size for an object of `bytes`: `preferred`, or the smallest whole number of MiB that
 * keeps the copy within 10,000 parts.
 */
export function partSizeFor(bytes: number, preferred: number = DEFAULT_COPY_PART_BYTES): number {
  checkRange('partSize', preferred, S3_COPY_LIMITS.minPartBytes, S3_COPY_LIMITS.maxPartBytes);
  checkRange('object size', bytes, 0, S3_COPY_LIMITS.maxObjectBytes);
  const fewestParts = Math.ceil(bytes / S3_COPY_LIMITS.maxParts / MiB) * MiB;
  return Math.max(preferred, fewestParts);
}

/** The parts that copy an object of `bytes` in parts of `partSize` (the last one smaller). */
export function copyParts(bytes: number, partSize: number): CopyPart[] {
  const parts: CopyPart[] = [];
  for (let first = 0; first < bytes; first += partSize) {
    parts.push({ partNumber: parts.length + 1, first, last: Math.min(first + partSize, bytes) - 1 });
  }
  return parts;
}

/** A tag set as the `Tagging` request value: URL query encoding. */
function taggingOf(tags: Array<{ Key?: string; Value?: string }>): string | undefined {
  if (tags.length === 0) return undefined;
  return tags.map((t) => `${encodeURIComponent(t.Key ?? '')}=${encodeURIComponent(t.Value ?? '')}`).join('&');
}

/**
 * Copies `source` (a given `versionId` is the version copied) to `target` (its bucket and key).
 * A failed multipart copy is aborted, so no parts are left behind; the error is rethrown.
 */
export async function copyObject(source: ObjectRef, target: ObjectRef, options: ObjectCopyOptions = {}): Promise<CopiedObject> {
  const client = options.client ?? s3Client();
  const threshold = checkRange('multipartThreshold', options.multipartThreshold ?? S3_COPY_LIMITS.copyObjectMaxBytes, 0, S3_COPY_LIMITS.copyObjectMaxBytes);
  const concurrency = checkRange('concurrency', options.concurrency ?? 8, 1, 1000);
  const copyTags = options.copyTags ?? true;
  const head = await client.send(new HeadObjectCommand({ Bucket: source.bucket, Key: source.key, VersionId: source.versionId }));
  const bytes = head.ContentLength ?? 0;
  const CopySource = copySourceOf(source);

  if (bytes <= threshold) {
    // Metadata and tagging directives default to COPY: content headers, metadata and tags come along.
    // REPLACE without a tag set gives the copy none.
    const reply = await client.send(new CopyObjectCommand({
      Bucket: target.bucket, Key: target.key, CopySource, CopySourceIfMatch: head.ETag, TaggingDirective: copyTags ? undefined : 'REPLACE',
    }));
    return { method: 'copy-object', bytes, parts: 1, versionId: reply.VersionId };
  }

  const parts = copyParts(bytes, partSizeFor(bytes, options.partSize));
  const tags = copyTags
    ? (await client.send(new GetObjectTaggingCommand({ Bucket: source.bucket, Key: source.key, VersionId: source.versionId }))).TagSet ?? []
    : [];
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({
    Bucket: target.bucket,
    Key: target.key,
    ...contentHeadersOf(head),
    Tagging: taggingOf(tags),
  }));
  try {
    const eTags = await mapWithConcurrency(parts, concurrency, async (part) => {
      const reply = await client.send(new UploadPartCopyCommand({
        Bucket: target.bucket,
        Key: target.key,
        UploadId,
        PartNumber: part.partNumber,
        CopySource,
        CopySourceRange: `bytes=${part.first}-${part.last}`,
        // Every part from the object that was measured: an overwrite meanwhile fails the copy.
        CopySourceIfMatch: head.ETag,
      }));
      return reply.CopyPartResult?.ETag;
    });
    const reply = await client.send(new CompleteMultipartUploadCommand({
      Bucket: target.bucket,
      Key: target.key,
      UploadId,
      MultipartUpload: { Parts: parts.map((part, i) => ({ PartNumber: part.partNumber, ETag: eTags[i] })) },
    }));
    return { method: 'multipart', bytes, parts: parts.length, versionId: reply.VersionId };
  } catch (error) {
    // mapWithConcurrency has let the parts in flight settle: none lands after the abort.
    await client.send(new AbortMultipartUploadCommand({ Bucket: target.bucket, Key: target.key, UploadId })).catch(() => undefined);
    throw error;
  }
}

/** What CopyObject's COPY metadata directive carries over, for CreateMultipartUpload. */
function contentHeadersOf(head: HeadObjectCommandOutput) {
  return {
    ContentType: head.ContentType,
    ContentEncoding: head.ContentEncoding,
    ContentDisposition: head.ContentDisposition,
    ContentLanguage: head.ContentLanguage,
    CacheControl: head.CacheControl,
    Expires: head.Expires,
    WebsiteRedirectLocation: head.WebsiteRedirectLocation,
    Metadata: head.Metadata,
  };
}
