/**
 * What s3rver reads from its files on every request, kept in memory beside them. s3rver 3.7.1's
 * FilesystemStore (lib/stores/filesystem.js) reads an object's metadata from three files for every GET,
 * HEAD, copy and listed key (a stat of the object and the whole of its `metadata.json` and `.md5`: nine
 * trips through libuv's thread pool, each with two thread wake-ups); for every request it also stats the
 * bucket's folder and reads the bucket's `cors` and `website` files (most often absent). In the local run
 * those reads were the largest part of the runner's main thread. Only the store writes those files, so
 * what it writes is kept as it writes it:
 * - an object's stored metadata and MD5 when `putMetadata` writes them (for PutObject and multipart
 *   uploads), forgotten when a copy writes the files; a read then stats the object only, so its size and
 *   modification time stay the file's own, and a deleted object is not found (a new one gets new metadata);
 * - that a bucket exists (asked for every request: a stat of its folder) and its configuration (`cors`,
 *   `website`: its text, or that there is none), once read, forgotten whenever any bucket's configuration
 *   is written or a bucket deleted (its folder, files and all). An object's subresources (its
 *   tags) are read from their files.
 * A read that overlaps a write of the same thing keeps nothing; what the cache has not kept is read from
 * the files, as before. (s3rver's `reset`, which empties the store, is not used by the local cloud.)
 */
import { promises as fs } from 'node:fs';

/* eslint-disable @typescript-eslint/no-require-imports */
const { ALLOWED_METADATA } = require('s3rver/lib/models/object') as { ALLOWED_METADATA: string[] };
const { getConfigModel } = require('s3rver/lib/models/config') as { getConfigModel(type: string): new (xml: string) => unknown };
/* eslint-enable @typescript-eslint/no-require-imports */

/** The parts of s3rver's FilesystemStore this wraps. */
interface CachedStore {
  getMetadata(bucket: string, key: string): Promise<Record<string, unknown>>;
  putMetadata(bucket: string, key: string, metadata: Record<string, unknown>, md5?: string): Promise<void>;
  copyObject(srcBucket: string, srcKey: string, destBucket: string, destKey: string, ...rest: unknown[]): Promise<unknown>;
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  getSubresource(bucket: string, key: string | undefined, type: string): Promise<unknown>;
  getBucket(bucket: string): Promise<unknown>;
  putSubresource(bucket: string, key: string | undefined, resource: { type: string }): Promise<void>;
  deleteSubresource(bucket: string, key: string | undefined, type: string): Promise<void>;
  deleteBucket(bucket: string): Promise<unknown>;
}

/** What `putMetadata` writes into `metadata.json`: the allowed headers and the user's `x-amz-meta-*` (filesystem.js). */
function storedMetadata(metadata: Record<string, unknown>): Record<string, unknown> {
  const stored: Record<string, unknown> = {};
  for (const name of ALLOWED_METADATA) if (name in metadata) stored[name] = metadata[name];
  for (const [name, value] of Object.entries(metadata)) if (name.startsWith('x-amz-meta-')) stored[name] = value;
  // As read back from the file: JSON leaves out what is undefined.
  return JSON.parse(JSON.stringify(stored));
}

/** Installs the cache on a running s3rver's store (its `store`). */
export function cacheStoreReads(s3rverStore: unknown): void {
  const store = s3rverStore as CachedStore;
  cacheObjectMetadata(store);
  cacheBuckets(store);
}

function cacheObjectMetadata(store: CachedStore): void {
  const kept = new Map<string, { stored: Record<string, unknown>; md5: string }>();
  // Bumped at the start and the end of every write of a key: a write that overlapped another keeps nothing.
  const writes = new Map<string, number>();
  const id = (bucket: string, key: string) => `${bucket}/${key}`;
  const written = (name: string) => {
    kept.delete(name);
    writes.set(name, (writes.get(name) ?? 0) + 1);
  };
  const whileWriting = async <T>(name: string, write: () => Promise<T>): Promise<T> => {
    written(name);
    try {
      return await write();
    } finally {
      written(name);
    }
  };

  const { getMetadata, putMetadata, copyObject } = store;
  store.getMetadata = async function getMetadata_(this: CachedStore, bucket, key) {
    const entry = kept.get(id(bucket, key));
    if (!entry) return getMetadata.call(this, bucket, key);
    // Throws ENOENT for an object that is gone, as s3rver's own read does.
    const file = await fs.stat(this.getResourcePath(bucket, key, 'object'));
    return { ...entry.stored, 'etag': JSON.stringify(entry.md5), 'last-modified': file.mtime.toUTCString(), 'content-length': file.size };
  };
  store.putMetadata = async function putMetadata_(this: CachedStore, bucket, key, metadata, md5) {
    const name = id(bucket, key);
    written(name);
    const before = writes.get(name);
    await putMetadata.call(this, bucket, key, metadata, md5);
    // Without an MD5 (a copy with new metadata) the `.md5` file is s3rver's to write: nothing is kept.
    if (md5 !== undefined && writes.get(name) === before) kept.set(name, { stored: storedMetadata(metadata), md5 });
  };
  // copyObject copies the source's `metadata.json` and `.md5` files themselves.
  store.copyObject = function copyObject_(this: CachedStore, srcBucket, srcKey, destBucket, destKey, ...rest) {
    return whileWriting(id(destBucket, destKey), () => copyObject.call(this, srcBucket, srcKey, destBucket, destKey, ...rest));
  };
}

function cacheBuckets(store: CachedStore): void {
  // A bucket that exists (s3rver's model of it: name and creation date), by name.
  const buckets = new Map<string, unknown>();
  // A bucket's configuration, by `<bucket>?<type>`: its XML, or null when it has none.
  const kept = new Map<string, string | null>();
  let writes = 0;
  const written = () => {
    buckets.clear();
    kept.clear();
    writes++;
  };
  const whileWriting = async <T>(write: () => Promise<T>): Promise<T> => {
    written();
    try {
      return await write();
    } finally {
      written();
    }
  };

  const { getBucket, getSubresource, putSubresource, deleteSubresource, deleteBucket } = store;
  // s3rver asks for the bucket (a stat of its folder) on every request, and only reads what it is given.
  store.getBucket = async function getBucket_(this: CachedStore, bucket) {
    const known = buckets.get(bucket);
    if (known) return known;
    const before = writes;
    const found = await getBucket.call(this, bucket);
    if (found && writes === before) buckets.set(bucket, found);
    return found;
  };
  store.getSubresource = async function getSubresource_(this: CachedStore, bucket, key, type) {
    if (key !== undefined) return getSubresource.call(this, bucket, key, type);
    const name = `${bucket}?${type}`;
    const xml = kept.get(name);
    if (xml === null) return null;
    // A model of its own for each reader, as s3rver builds one per read.
    if (xml !== undefined) return new (getConfigModel(type))(xml);
    const before = writes;
    // Read as filesystem.js's getSubresource reads it, keeping the text.
    const xmlOrNull = await fs.readFile(this.getResourcePath(bucket, undefined, `${type}.xml`), 'utf8').catch((err) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (writes === before) kept.set(name, xmlOrNull);
    return xmlOrNull === null ? null : new (getConfigModel(type))(xmlOrNull);
  };
  store.putSubresource = function putSubresource_(this: CachedStore, bucket, key, resource) {
    if (key !== undefined) return putSubresource.call(this, bucket, key, resource);
    return whileWriting(() => putSubresource.call(this, bucket, key, resource));
  };
  store.deleteSubresource = function deleteSubresource_(this: CachedStore, bucket, key, type) {
    if (key !== undefined) return deleteSubresource.call(this, bucket, key, type);
    return whileWriting(() => deleteSubresource.call(this, bucket, key, type));
  };
  store.deleteBucket = function deleteBucket_(this: CachedStore, bucket) {
    return whileWriting(() => deleteBucket.call(this, bucket));
  };
}
