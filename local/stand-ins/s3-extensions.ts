/**
 * What the S3 stand-in (s3rver 3.7.1) lacks and the handlers or their tests use, served in front of it on the same
 * port, from the same store. A route table sends each request an extension serves to its handler:
 * - multipart (`s3-multipart.ts`): UploadPartCopy, AbortMultipartUpload, ListMultipartUploads, and the tags given at
 *   CreateMultipartUpload;
 * - tags set at creation (`x-amz-tagging` on PutObject and CreateMultipartUpload) and copied by CopyObject
 *   (`s3-tagging.ts`, applied by `s3-object-writes.ts` and `s3-multipart.ts`);
 * - versioning, for buckets that enable it (`s3-versioning.ts`);
 * - S3's size limits that s3rver does not check, the copy source's among them (`s3-limits.ts`);
 * - a latency model: every response starts `latencyMs` later, S3's first-byte latency (`s3-latency.ts`).
 * Everything else reaches s3rver unchanged. s3rver does not check SigV4 signatures, so requests may be rewritten on
 * the way (a version read is a read of the kept copy).
 */
import { IncomingMessage, Server, ServerResponse } from 'node:http';
import { withLatency } from './s3-latency';
import { S3Multipart } from './s3-multipart';
import { S3ObjectWrites } from './s3-object-writes';
import { RouteOutcome, S3Request, s3Request } from './s3-request';
import { sendError } from './s3-responses';
import { S3Versioning } from './s3-versioning';
import { S3rverStore } from './s3rver-store';

export interface S3ExtensionOptions {
  /** Delay before every response, in ms. @default 0 */
  readonly latencyMs?: number;
}

/** The requests of one S3 operation, and the handler that serves them. */
interface S3Route {
  readonly methods: readonly string[];
  /** Whether the request names a bucket only, or an object in it. */
  readonly on: 'bucket' | 'object';
  /** What else the request has: query parameters, headers. */
  readonly when: (request: S3Request) => boolean;
  readonly handle: (request: S3Request) => Promise<RouteOutcome>;
}

const param = (name: string) => (request: S3Request) => request.query.has(name);
const header = (name: string) => (request: S3Request) => Boolean(request.header(name));
const noSubresource = (request: S3Request) => !request.subresource;
const all = (...tests: Array<(request: S3Request) => boolean>) => (request: S3Request) => tests.every((test) => test(request));

/** The extensions' routes by S3 operation, in order: the first that matches a request serves it. */
function s3Routes(store: S3rverStore): Record<string, S3Route> {
  const versioning = new S3Versioning(store);
  const multipart = new S3Multipart(store, versioning);
  const writes = new S3ObjectWrites(store, versioning);
  return {
    PutBucketVersioning: { methods: ['PUT'], on: 'bucket', when: param('versioning'), handle: versioning.putBucketVersioning },
    GetBucketVersioning: { methods: ['GET'], on: 'bucket', when: param('versioning'), handle: versioning.getBucketVersioning },
    ListMultipartUploads: { methods: ['GET'], on: 'bucket', when: param('uploads'), handle: multipart.list },
    CreateMultipartUpload: { methods: ['POST'], on: 'object', when: param('uploads'), handle: multipart.create },
    CompleteMultipartUpload: { methods: ['POST'], on: 'object', when: param('uploadId'), handle: multipart.complete },
    AbortMultipartUpload: { methods: ['DELETE'], on: 'object', when: param('uploadId'), handle: multipart.abort },
    UploadPartCopy: { methods: ['PUT'], on: 'object', when: all(param('uploadId'), header('x-amz-copy-source')), handle: multipart.uploadPartCopy },
    UploadPart: { methods: ['PUT'], on: 'object', when: param('uploadId'), handle: multipart.uploadPart },
    CopyObject: { methods: ['PUT'], on: 'object', when: all(noSubresource, header('x-amz-copy-source')), handle: writes.copy },
    PutObject: { methods: ['PUT'], on: 'object', when: noSubresource, handle: writes.put },
    // GetObject, HeadObject and GetObjectTagging (its other parameters kept) of a version.
    ReadVersion: { methods: ['GET', 'HEAD'], on: 'object', when: param('versionId'), handle: versioning.readVersion },
  };
}

/**
 * Installs the extensions in front of s3rver's request handler. `s3rver` is the running S3rver
 * instance (its `httpServer` and `store`).
 */
export function extendS3rver(s3rver: { httpServer: Server; store: unknown }, options: S3ExtensionOptions = {}): void {
  const server = s3rver.httpServer;
  const routes = Object.values(s3Routes(s3rver.store as S3rverStore));
  const koa = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    for (const handler of koa) handler.call(server, req, res);
  };
  // Parsed inside the promise: a request s3Request cannot read (a malformed path) is answered, not thrown.
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<RouteOutcome> => {
    const request = s3Request(req, res);
    const on = request.key ? 'object' : 'bucket';
    const route = routes.find((r) => r.on === on && r.methods.includes(request.method) && r.when(request));
    return route ? route.handle(request) : req;
  };
  server.on('request', withLatency(options.latencyMs ?? 0, (req: IncomingMessage, res: ServerResponse) => {
    serve(req, res).then((outcome) => {
      if (outcome !== 'answered') forward(outcome, res);
    }, (error) => sendError(res, error));
  }));
}
