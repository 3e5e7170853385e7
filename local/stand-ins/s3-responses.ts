/** How the S3 extensions answer: S3's XML documents and errors, and work done before s3rver's answer is sent. */
import { ServerResponse } from 'node:http';

/** An error S3 answers with its status and code (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html). */
export class S3Failure extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function sendXml(res: ServerResponse, status: number, xml: string): void {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
}

/** Answers an {@link S3Failure} as S3 does; anything else is a 500 InternalError. */
export function sendError(res: ServerResponse, error: unknown): void {
  const failure = error instanceof S3Failure ? error : new S3Failure(500, 'InternalError', String((error as Error)?.message ?? error));
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendXml(res, failure.status, `<Error><Code>${failure.code}</Code><Message>${xmlEscape(failure.message)}</Message></Error>`);
}

/**
 * Runs `hook` when the response is about to end successfully, before its first byte is sent (s3rver
 * answers through Koa, which ends each response with one `end` call after setting its headers), and
 * adds the headers the hook returns. The client cannot see the response before the hook is done.
 */
export function beforeSuccessfulEnd(res: ServerResponse, hook: () => Promise<Record<string, string> | void>): void {
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
