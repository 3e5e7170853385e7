/** An object to copy: a bucket, a key and optionally one version of it. */
export interface CopySourceObject {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
}

/** The CopySource of S3 CopyObject and UploadPartCopy: `bucket/key` with each key segment URL-encoded, then `?versionId=…` if given. */
export function copySourceOf(source: CopySourceObject): string {
  const key = source.key.split('/').map(encodeURIComponent).join('/');
  const version = source.versionId ? `?versionId=${encodeURIComponent(source.versionId)}` : '';
  return `${source.bucket}/${key}${version}`;
}
