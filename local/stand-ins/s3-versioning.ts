/**
 * Bucket versioning, which s3rver lacks, for buckets that enable it (PutBucketVersioning): each object written gets
 * a version id (`x-amz-version-id`) and a copy of that version is kept, readable with `versionId` by GetObject,
 * HeadObject, GetObjectTagging, CopyObject and UploadPartCopy.
 */
import { randomBytes } from 'node:crypto';
import { ServerResponse } from 'node:http';
import { ObjectRef, objectPath, RouteOutcome, S3Request } from './s3-request';
import { beforeSuccessfulEnd, S3Failure, sendXml } from './s3-responses';
import { copyTags } from './s3-tagging';
import { S3rverStore } from './s3rver-store';

/** Where kept versions live: a bucket of s3rver's own store that no request names. */
const VERSIONS_BUCKET = 'local-s3-object-versions';

const versionKey = (bucket: string, key: string, versionId: string) => `${bucket}/${key}/${versionId}`;

export class S3Versioning {
  private readonly versioned = new Set<string>();

  constructor(private readonly store: S3rverStore) {}

  /** PutBucketVersioning: `Enabled` turns versioning on; anything else (`Suspended`) off. */
  readonly putBucketVersioning = async ({ req, res, bucket }: S3Request): Promise<RouteOutcome> => {
    let body = '';
    for await (const piece of req) body += piece;
    if (/<Status>\s*Enabled\s*<\/Status>/.test(body)) this.versioned.add(bucket);
    else this.versioned.delete(bucket);
    res.writeHead(200).end();
    return 'answered';
  };

  readonly getBucketVersioning = async ({ res, bucket }: S3Request): Promise<RouteOutcome> => {
    sendXml(res, 200, `<VersioningConfiguration>${this.versioned.has(bucket) ? '<Status>Enabled</Status>' : ''}</VersioningConfiguration>`);
    return 'answered';
  };

  /** A read of a version (GetObject, HeadObject, GetObjectTagging) is s3rver's read of its kept copy. */
  readonly readVersion = async ({ req, res, bucket, key, query }: S3Request): Promise<RouteOutcome> => {
    const versionId = query.get('versionId')!;
    const from = await this.located({ bucket, key, versionId });
    query.delete('versionId');
    const rest = query.toString();
    req.url = `/${objectPath(from)}${rest ? `?${rest}` : ''}`;
    res.setHeader('x-amz-version-id', versionId);
    return req;
  };

  /** Where a version's bytes are: its kept copy, or the object itself without a version. */
  async located(ref: ObjectRef): Promise<ObjectRef> {
    if (!ref.versionId) return { bucket: ref.bucket, key: ref.key };
    const key = versionKey(ref.bucket, ref.key, ref.versionId);
    if (!(await this.store.existsObject(VERSIONS_BUCKET, key))) throw new S3Failure(404, 'NoSuchVersion', 'The specified version does not exist.');
    return { bucket: VERSIONS_BUCKET, key };
  }

  /**
   * Once a write succeeds, and before the client hears of it: `first` (the new object's tags), then, in a versioned
   * bucket, the new version kept and its id answered.
   */
  afterWrite(res: ServerResponse, bucket: string, key: string, first: () => Promise<void>): void {
    beforeSuccessfulEnd(res, async () => {
      await first();
      return this.versioned.has(bucket) ? this.keepVersion(bucket, key) : undefined;
    });
  }

  private async keepVersion(bucket: string, key: string): Promise<Record<string, string>> {
    const versionId = randomBytes(16).toString('hex');
    const kept = { bucket: VERSIONS_BUCKET, key: versionKey(bucket, key, versionId) };
    await this.store.putBucket(VERSIONS_BUCKET);
    await this.store.copyObject(bucket, key, kept.bucket, kept.key, null);
    await copyTags(this.store, { bucket, key }, kept);
    return { 'x-amz-version-id': versionId };
  }
}
