/**
 * An authorizing gate in front of a stand-in's HTTP server: every request is decided before the stand-in sees
 * it, and a refused one is answered as the service answers it, never reaching the stand-in. When the decision
 * needs the body (the JSON APIs, S3's DeleteObjects), the gate reads it first and hands the stand-in a request
 * that replays it; every other request reaches the stand-in untouched, streamed bodies included.
 */
import { IncomingMessage, Server, ServerResponse } from 'node:http';
import { HttpResponse } from './access-denied-responses';
import { HttpRequest, readBody } from '../shared/http-request';

export interface RequestGate {
  /** Whether `refusal` needs the request's body. */
  readsBody(req: IncomingMessage): boolean;
  /**
   * What to answer instead of the stand-in, or undefined to let the request through. A request it cannot decide
   * (it throws) is answered 500 with the reason, so that the caller's error names the gap.
   */
  refusal(request: HttpRequest): HttpResponse | undefined;
}

function decide(gate: RequestGate, request: HttpRequest): HttpResponse | undefined {
  try {
    return gate.refusal(request);
  } catch (error) {
    return { status: 500, headers: { 'content-type': 'text/plain' }, body: (error as Error).message };
  }
}

/** The same request, its body already read: what the stand-in reads instead of the consumed original. */
export function replayed(req: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = new IncomingMessage(req.socket);
  copy.method = req.method;
  copy.url = req.url;
  copy.headers = req.headers;
  copy.rawHeaders = req.rawHeaders;
  copy.httpVersion = req.httpVersion;
  copy.httpVersionMajor = req.httpVersionMajor;
  copy.httpVersionMinor = req.httpVersionMinor;
  copy.complete = true;
  if (body.length > 0) copy.push(body);
  copy.push(null);
  return copy;
}


function answer(res: ServerResponse, response: HttpResponse): void {
  res.writeHead(response.status, response.headers);
  res.end(response.body);
}

/** Puts `gate` in front of every request listener `server` has now. */
export function gateServer(server: Server, gate: RequestGate): void {
  const handlers = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    for (const handler of handlers) handler.call(server, req, res);
  };
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const request = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers };
    if (!gate.readsBody(req)) {
      const refused = decide(gate, request);
      if (!refused) return forward(req, res);
      req.resume();
      return answer(res, refused);
    }
    readBody(req).then((body) => {
      const refused = decide(gate, { ...request, body });
      if (refused) answer(res, refused);
      else forward(replayed(req, body), res);
    }, (error: Error) => res.destroy(error));
  });
}
