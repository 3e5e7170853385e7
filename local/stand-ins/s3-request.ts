/** A request to the S3 stand-in as the extensions' routes see it, and what a route makes of it. */
import { IncomingMessage, ServerResponse } from 'node:http';

export interface S3Request {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  readonly bucket: string;
  /** The object's key; empty for a request to the bucket. */
  readonly key: string;
  readonly query: URLSearchParams;
  /** Whether the query names a subresource (`?tagging`, `?uploadId=…`): any parameter but the SDK's `x-id`, which names the operation. */
  readonly subresource: boolean;
  header(name: string): string | undefined;
}

/**
 * What a route did with a request: answered it, or hands s3rver the request to answer (itself, rewritten, or
 * a replay of it when the route read its body).
 */
export type RouteOutcome = 'answered' | IncomingMessage;

/** An object, or one version of it. */
export interface ObjectRef {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
}

/** A path-style request, as s3rver takes them (`/bucket/key`). */
export function s3Request(req: IncomingMessage, res: ServerResponse): S3Request {
  const url = new URL(req.url ?? '/', 'http://s3.local');
  const [bucket = '', ...keyParts] = url.pathname.slice(1).split('/').map(decodeURIComponent);
  const query = url.searchParams;
  return {
    req,
    res,
    method: req.method ?? 'GET',
    bucket,
    key: keyParts.join('/'),
    query,
    subresource: [...query.keys()].some((name) => name !== 'x-id'),
    header: (name) => req.headers[name] as string | undefined,
  };
}

/** `bucket/key[?versionId=v]`, URL-encoded, as in `x-amz-copy-source`. */
export function parseCopySource(header: string): ObjectRef {
  const [pathPart, query = ''] = header.replace(/^\//, '').split('?');
  const [bucket, ...key] = decodeURIComponent(pathPart).split('/');
  const versionId = new URLSearchParams(query).get('versionId') ?? undefined;
  return { bucket, key: key.join('/'), ...(versionId ? { versionId } : {}) };
}

/** `bucket/key` with the key URL-encoded, as a request's path and `x-amz-copy-source` name an object. */
export const objectPath = ({ bucket, key }: ObjectRef) => `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
