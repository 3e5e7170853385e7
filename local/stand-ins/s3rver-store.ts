/** What the S3 extensions use of s3rver's store: the files it keeps objects, parts and subresources in. */

export interface StoredObject {
  readonly content: NodeJS.ReadableStream | null;
  readonly metadata: Record<string, string>;
}

/** The parts of s3rver 3.7.1's FilesystemStore (lib/stores/filesystem.js) used by the extensions. */
export interface S3rverStore {
  getObject(bucket: string, key: string, range?: { start?: number; end?: number }): Promise<StoredObject | null>;
  existsObject(bucket: string, key: string): Promise<boolean>;
  copyObject(srcBucket: string, srcKey: string, destBucket: string, destKey: string, metadata: null): Promise<unknown>;
  putBucket(bucket: string): Promise<unknown>;
  initiateUpload(bucket: string, key: string, uploadId: string, metadata: Record<string, unknown>): Promise<void>;
  putPart(bucket: string, uploadId: string, partNumber: number, content: NodeJS.ReadableStream): Promise<{ md5: string }>;
  getSubresource(bucket: string, key: string, type: string): Promise<{ toXML(): string } | null>;
  putSubresource(bucket: string, key: string, resource: { type: string; toXML(): string }): Promise<void>;
  deleteSubresource(bucket: string, key: string, type: string): Promise<void>;
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
}

/** The folder of a bucket's multipart uploads, or of one upload (a file per part, named by its number, and `key`). */
export function uploadsPath(store: S3rverStore, bucket: string, uploadId?: string): string {
  const root = store.getResourcePath(bucket, undefined, 'uploads');
  return uploadId ? `${root}/${uploadId}` : root;
}
