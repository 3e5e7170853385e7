/**
 * PutObject and CopyObject, which s3rver serves, with what it lacks: the tags given (`x-amz-tagging`) or copied
 * (tagging directive COPY, S3's default; REPLACE takes `x-amz-tagging`), a version as the copy's source, the 5 GiB
 * copy source limit, and the new version kept in a versioned bucket.
 */
import { checkCopySourceSize } from './s3-limits';
import { objectPath, parseCopySource, RouteOutcome, S3Request } from './s3-request';
import { copyTags, setTags } from './s3-tagging';
import { S3Versioning } from './s3-versioning';
import { S3rverStore } from './s3rver-store';

export class S3ObjectWrites {
  constructor(private readonly store: S3rverStore, private readonly versioning: S3Versioning) {}

  readonly put = async ({ req, res, bucket, key, header }: S3Request): Promise<RouteOutcome> => {
    this.versioning.afterWrite(res, bucket, key, () => setTags(this.store, bucket, key, header('x-amz-tagging')));
    return req;
  };

  readonly copy = async ({ req, res, bucket, key, header }: S3Request): Promise<RouteOutcome> => {
    const source = parseCopySource(header('x-amz-copy-source')!);
    const from = await this.versioning.located(source);
    await checkCopySourceSize(this.store, from);
    // s3rver copies a version from its kept copy.
    if (source.versionId) req.headers['x-amz-copy-source'] = objectPath(from);
    const replace = header('x-amz-tagging-directive') === 'REPLACE';
    this.versioning.afterWrite(res, bucket, key, () => (replace
      ? setTags(this.store, bucket, key, header('x-amz-tagging'))
      : copyTags(this.store, from, { bucket, key })));
    return req;
  };
}
