import type { IncomingMessage } from 'node:http';

/**
 * A raw HTTP request as a stand-in receives it: what the request mappers read. Node's `IncomingMessage`
 * fits (method, url, headers) once its body, when the mapper needs it (JSON APIs), has been read.
 */
export interface HttpRequest {
  readonly method: string;
  /** The request target: path and query, e.g. `/bucket/key?versionId=1`. */
  readonly url: string;
  /** Header names in lower case, as Node gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body, for the JSON APIs (DynamoDB, Step Functions, SES, Lambda's payload is not read). */
  readonly body?: string | Buffer;
}

export function header(request: HttpRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(',') : value;
}

export function requestUrl(request: HttpRequest): URL {
  return new URL(request.url, 'http://local');
}

/** The body parsed as JSON (`{}` when empty); throws naming the request when it is not JSON. */
export function jsonBody(request: HttpRequest): any {
  const text = request.body === undefined ? '' : request.body.toString();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new UnmappedRequestError(request, 'its body is not JSON');
  }
}

/** A request the engine cannot turn into authorization checks: a gap in the mapping, reported rather than allowed. */
export class UnmappedRequestError extends Error {
  constructor(request: HttpRequest, reason: string) {
    super(`local IAM: cannot map ${request.method} ${request.url} to IAM actions: ${reason}`);
    this.name = 'UnmappedRequestError';
  }
}

/** The whole body of a request a server received, read from its stream. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
