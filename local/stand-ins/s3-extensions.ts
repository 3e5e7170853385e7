/**
 * What the S3 stand-in (s3rver 3.7.1) lacks and the handlers or their tests use, served in front of
 * it on the same port, from the same store:
 * - UploadPartCopy (a ranged read of the source, stored as an ordinary part), AbortMultipartUpload
 *   and ListMultipartUploads;
 * - tags set at creation (`x-amz-tagging` on PutObject and CreateMultipartUpload) and copied by
 *   CopyObject (tagging directive COPY, S3's default; REPLACE takes `x-amz-tagging`);
 * - versioning, for buckets that enable it (PutBucketVersioning): each object written gets a version
 *   id (`x-amz-version-id`) and a copy of that version is kept, readable with `versionId` by
 *   GetObject, HeadObject, GetObjectTagging, CopyObject and UploadPartCopy;
 * - S3's size limits that s3rver does not check (`S3_LIMITS`): CopyObject's 5 GiB source, part numbers
 *   1 to 10,000 (UploadPart, UploadPartCopy), and 5 MiB for every part but the last (CompleteMultipartUpload);
 * - a latency model: every response starts `latencyMs` later (S3's first-byte latency).
 * Everything else reaches s3rver unchanged. s3rver does not check SigV4 signatures, so requests may
 * be rewritten on the way (a version read is a read of the kept copy).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { IncomingMessage, Server, ServerResponse } from 'node:http';
import { replayed } from './request-gate';

/** Where kept versions live: a bucket of s3rver's own store that no request names. */
const VERSIONS_BUCKET = 'local-s3-object-versions';

/**
 * S3's limits, from https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html; the errors are those of
 * https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList (EntityTooSmall, InvalidArgument,
 * InvalidRequest). Written out here, not imported from the handlers' copy code: the stand-in reads AWS's rules on its
 * own, so a wrong limit in the handlers is caught by it.
 */
export const S3_LIMITS = {
  /** The largest source CopyObject copies. */
  copySourceMaxBytes: 5 * 1024 * 1024 * 1024,
  /** The smallest part of a multipart upload, the last one excepted. */
  minPartBytes: 5 * 1024 * 1024,
  maxPartNumber: 10_000,
} as const;

interface StoredObject {
  readonly content: NodeJS.ReadableStream | null;
  readonly metadata: Record<string, string>;
}

/** The parts of s3rver's FilesystemStore (lib/stores/filesystem.js) used here. */
interface S3rverStore {
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

export interface S3ExtensionOptions {
  /** Delay before every response, in ms. @default 0 */
  readonly latencyMs?: number;
}

class S3Failure extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

function sendXml(res: ServerResponse, status: number, xml: string): void {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
}

function sendError(res: ServerResponse, error: unknown): void {
  const failure = error instanceof S3Failure ? error : new S3Failure(500, 'InternalError', String((error as Error)?.message ?? error));
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendXml(res, failure.status, `<Error><Code>${failure.code}</Code><Message>${xmlEscape(failure.message)}</Message></Error>`);
}

/** A part number S3 accepts: an integer from 1 to 10,000 (https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPart.html). */
function checkPartNumber(text: string | null): number {
  const partNumber = Number(text);
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > S3_LIMITS.maxPartNumber) {
    throw new S3Failure(400, 'InvalidArgument', `Part number must be an integer between 1 and ${S3_LIMITS.maxPartNumber}, inclusive`);
  }
  return partNumber;
}

/** The part numbers a CompleteMultipartUpload body lists, in its order. */
export function completedPartNumbers(body: string): number[] {
  return [...body.matchAll(/<PartNumber>\s*(\d+)\s*<\/PartNumber>/g)].map((match) => Number(match[1]));
}

/** `bucket/key[?versionId=v]`, URL-encoded, as in `x-amz-copy-source`. */
export function parseCopySource(header: string): { bucket: string; key: string; versionId?: string } {
  const [pathPart, query = ''] = header.replace(/^\//, '').split('?');
  const [bucket, ...key] = decodeURIComponent(pathPart).split('/');
  const versionId = new URLSearchParams(query).get('versionId') ?? undefined;
  return { bucket, key: key.join('/'), ...(versionId ? { versionId } : {}) };
}

/** `k1=v1&k2=v2` (URL query encoding, as in `x-amz-tagging`) as a tagging document. */
function taggingXml(header: string): string {
  const tags = [...new URLSearchParams(header)].map(([k, v]) => `<Tag><Key>${xmlEscape(k)}</Key><Value>${xmlEscape(v)}</Value></Tag>`);
  return `<Tagging><TagSet>${tags.join('')}</TagSet></Tagging>`;
}

/**
 * Runs `hook` when the response is about to end successfully, before its first byte is sent (s3rver
 * answers through Koa, which ends each response with one `end` call after setting its headers), and
 * adds the headers the hook returns. The client cannot see the response before the hook is done.
 */
function beforeSuccessfulEnd(res: ServerResponse, hook: () => Promise<Record<string, string> | void>): void {
  const end = res.end;
  res.end = function deferredEnd(this: ServerResponse, ...args: any[]) {
    if (res.statusCode >= 300) return end.apply(res, args as any);
    hook().then(
      (headers) => {
        for (const [name, value] of Object.entries(headers ?? {})) res.setHeader(name, value);
        end.apply(res, args as any);
      },
      (error) => {
        res.end = end;
        sendError(res, error);
      },
    );
    return res;
  } as typeof res.end;
}

/**
 * Installs the extensions in front of s3rver's request handler. `s3rver` is the running S3rver
 * instance (its `httpServer` and `store`).
 */
export function extendS3rver(s3rver: { httpServer: Server; store: unknown }, options: S3ExtensionOptions = {}): void {
  const server = s3rver.httpServer;
  const store = s3rver.store as S3rverStore;
  const versioned = new Set<string>();
  const uploadTagging = new Map<string, string>();
  const latencyMs = options.latencyMs ?? 0;
  const koa = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    for (const handler of koa) handler.call(server, req, res);
  };

  const versionKey = (bucket: string, key: string, versionId: string) => `${bucket}/${key}/${versionId}`;
  const keepVersion = async (bucket: string, key: string): Promise<Record<string, string>> => {
    const versionId = randomBytes(16).toString('hex');
    await store.putBucket(VERSIONS_BUCKET);
    await store.copyObject(bucket, key, VERSIONS_BUCKET, versionKey(bucket, key, versionId), null);
    const tags = await store.getSubresource(bucket, key, 'tagging');
    if (tags) await store.putSubresource(VERSIONS_BUCKET, versionKey(bucket, key, versionId), { type: 'tagging', toXML: () => tags.toXML() });
    return { 'x-amz-version-id': versionId };
  };
  /** Where a version's bytes are: the kept copy, or the object itself without a version. */
  const located = async (ref: { bucket: string; key: string; versionId?: string }) => {
    if (!ref.versionId) return { bucket: ref.bucket, key: ref.key };
    const key = versionKey(ref.bucket, ref.key, ref.versionId);
    if (!(await store.existsObject(VERSIONS_BUCKET, key))) throw new S3Failure(404, 'NoSuchVersion', 'The specified version does not exist.');
    return { bucket: VERSIONS_BUCKET, key };
  };
  const setTags = async (bucket: string, key: string, header: string | undefined) => {
    if (header) await store.putSubresource(bucket, key, { type: 'tagging', toXML: () => taggingXml(header) });
    else await store.deleteSubresource(bucket, key, 'tagging');
  };
  /** The new object's tags and, in a versioned bucket, its kept version: before the client hears of it. */
  const afterWrite = (res: ServerResponse, bucket: string, key: string, tags: () => Promise<void>) => {
    beforeSuccessfulEnd(res, async () => {
      await tags();
      return versioned.has(bucket) ? keepVersion(bucket, key) : undefined;
    });
  };

  /** True when answered here; false to pass the request to s3rver; a request to pass instead when its body was read here. */
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean | IncomingMessage> {
    const url = new URL(req.url ?? '/', 'http://s3.local');
    const [bucket = '', ...keyParts] = url.pathname.slice(1).split('/').map(decodeURIComponent);
    const key = keyParts.join('/');
    const q = url.searchParams;
    // The SDK names the operation in an `x-id` parameter; anything else is a subresource.
    const subresource = [...q.keys()].some((name) => name !== 'x-id');
    const method = req.method ?? 'GET';
    const header = (name: string) => req.headers[name] as string | undefined;

    if (!key) {
      if (q.has('versioning') && method === 'PUT') {
        let body = '';
        for await (const piece of req) body += piece;
        if (/<Status>\s*Enabled\s*<\/Status>/.test(body)) versioned.add(bucket);
        else versioned.delete(bucket);
        res.writeHead(200).end();
        return true;
      }
      if (q.has('versioning') && method === 'GET') {
        sendXml(res, 200, `<VersioningConfiguration>${versioned.has(bucket) ? '<Status>Enabled</Status>' : ''}</VersioningConfiguration>`);
        return true;
      }
      if (q.has('uploads') && method === 'GET') {
        sendXml(res, 200, await listUploads(bucket));
        return true;
      }
      return false;
    }

    if (method === 'POST' && q.has('uploads')) {
      const uploadId = randomBytes(16).toString('hex');
      await store.initiateUpload(bucket, key, uploadId, req.headers);
      if (header('x-amz-tagging')) uploadTagging.set(uploadId, header('x-amz-tagging')!);
      sendXml(res, 200, `<InitiateMultipartUploadResult><Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`);
      return true;
    }
    if (method === 'POST' && q.has('uploadId')) {
      const uploadId = q.get('uploadId')!;
      const body = Buffer.concat(await req.toArray());
      await checkPartSizes(bucket, uploadId, completedPartNumbers(body.toString('utf8')));
      afterWrite(res, bucket, key, () => setTags(bucket, key, uploadTagging.get(uploadId)));
      res.on('finish', () => uploadTagging.delete(uploadId));
      return replayed(req, body);
    }
    if (method === 'DELETE' && q.has('uploadId')) {
      const uploadId = q.get('uploadId')!;
      await requireUpload(bucket, uploadId);
      await fs.rm(uploadsPath(bucket, uploadId), { recursive: true, force: true });
      uploadTagging.delete(uploadId);
      res.writeHead(204).end();
      return true;
    }
    if (method === 'PUT' && q.has('uploadId')) {
      const partNumber = checkPartNumber(q.get('partNumber'));
      if (!header('x-amz-copy-source')) return false;
      await uploadPartCopy(res, bucket, q.get('uploadId')!, partNumber, header);
      return true;
    }
    if (method === 'PUT' && !subresource && header('x-amz-copy-source')) {
      const source = parseCopySource(header('x-amz-copy-source')!);
      const from = await located(source);
      // The size s3rver reports for the object (HeadObject's Content-Length) is its file's.
      const size = await fs.stat(store.getResourcePath(from.bucket, from.key, 'object')).then((stat) => stat.size, () => 0);
      if (size > S3_LIMITS.copySourceMaxBytes) {
        throw new S3Failure(400, 'InvalidRequest', `The specified copy source is larger than the maximum allowable size for a copy source: ${S3_LIMITS.copySourceMaxBytes}`);
      }
      if (source.versionId) req.headers['x-amz-copy-source'] = `${from.bucket}/${from.key.split('/').map(encodeURIComponent).join('/')}`;
      const replace = header('x-amz-tagging-directive') === 'REPLACE';
      afterWrite(res, bucket, key, async () => {
        if (replace) return setTags(bucket, key, header('x-amz-tagging'));
        const tags = await store.getSubresource(from.bucket, from.key, 'tagging');
        if (tags) await store.putSubresource(bucket, key, { type: 'tagging', toXML: () => tags.toXML() });
        else await store.deleteSubresource(bucket, key, 'tagging');
      });
      return false;
    }
    if (method === 'PUT' && !subresource) {
      afterWrite(res, bucket, key, () => setTags(bucket, key, header('x-amz-tagging')));
      return false;
    }
    if ((method === 'GET' || method === 'HEAD') && q.has('versionId')) {
      const from = await located({ bucket, key, versionId: q.get('versionId')! });
      q.delete('versionId');
      const rest = q.toString();
      req.url = `/${from.bucket}/${from.key.split('/').map(encodeURIComponent).join('/')}${rest ? `?${rest}` : ''}`;
      res.setHeader('x-amz-version-id', url.searchParams.get('versionId') ?? '');
      return false;
    }
    return false;
  }

  const uploadsPath = (bucket: string, uploadId?: string) => {
    const root = store.getResourcePath(bucket, undefined, 'uploads');
    return uploadId ? `${root}/${uploadId}` : root;
  };
  async function requireUpload(bucket: string, uploadId: string): Promise<void> {
    const exists = await fs.stat(uploadsPath(bucket, uploadId)).then(() => true, () => false);
    if (!exists) throw new S3Failure(404, 'NoSuchUpload', 'The specified upload does not exist.');
  }

  /** Every part but the last (the highest number, as S3 requires them in ascending order) is at least 5 MiB. */
  async function checkPartSizes(bucket: string, uploadId: string, partNumbers: number[]): Promise<void> {
    for (const partNumber of partNumbers.slice(0, -1)) {
      // A part that was never uploaded is s3rver's to refuse (InvalidPart).
      const size = await fs.stat(`${uploadsPath(bucket, uploadId)}/${partNumber}`).then((stat) => stat.size, () => undefined);
      if (size !== undefined && size < S3_LIMITS.minPartBytes) {
        throw new S3Failure(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.');
      }
    }
  }

  async function listUploads(bucket: string): Promise<string> {
    const ids = await fs.readdir(uploadsPath(bucket)).catch(() => [] as string[]);
    const uploads = await Promise.all(ids.map(async (id) => {
      const key = await fs.readFile(`${uploadsPath(bucket, id)}/key`, 'utf8').catch(() => undefined);
      return key === undefined ? '' : `<Upload><Key>${xmlEscape(key)}</Key><UploadId>${id}</UploadId></Upload>`;
    }));
    return `<ListMultipartUploadsResult><Bucket>${xmlEscape(bucket)}</Bucket><IsTruncated>false</IsTruncated>${uploads.join('')}</ListMultipartUploadsResult>`;
  }

  type HeaderOf = (name: string) => string | undefined;
  async function uploadPartCopy(res: ServerResponse, bucket: string, uploadId: string, partNumber: number, header: HeaderOf) {
    await requireUpload(bucket, uploadId);
    const source = parseCopySource(header('x-amz-copy-source')!);
    const from = await located(source);
    const range = /^bytes=(\d+)-(\d+)$/.exec(header('x-amz-copy-source-range') ?? '');
    const object = await store.getObject(from.bucket, from.key, range ? { start: Number(range[1]), end: Number(range[2]) } : undefined);
    if (!object?.content) throw new S3Failure(404, 'NoSuchKey', 'The specified key does not exist.');
    const ifMatch = header('x-amz-copy-source-if-match');
    if (ifMatch && ifMatch.replace(/"/g, '') !== object.metadata.etag.replace(/"/g, '')) {
      (object.content as NodeJS.ReadableStream & { destroy(): void }).destroy();
      throw new S3Failure(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
    }
    const { md5 } = await store.putPart(bucket, uploadId, partNumber, object.content);
    sendXml(res, 200, `<CopyPartResult><ETag>"${md5}"</ETag><LastModified>${new Date().toISOString()}</LastModified></CopyPartResult>`);
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const dispatch = () => handle(req, res).then((handled) => {
      if (handled !== true) forward(handled === false ? req : handled, res);
    }, (error) => sendError(res, error));
    if (latencyMs > 0) setTimeout(dispatch, latencyMs);
    else void dispatch();
  });
}
