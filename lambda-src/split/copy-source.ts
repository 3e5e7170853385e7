import { RunRequest } from '../shared/contracts';

/** The CopySource of S3 CopyObject for the input: `bucket/key` with each key segment URL-encoded. */
export function copySourceOf(input: RunRequest): string {
  const key = input.key.split('/').map(encodeURIComponent).join('/');
  const version = input.versionId ? `?versionId=${encodeURIComponent(input.versionId)}` : '';
  return `${input.bucket}/${key}${version}`;
}
