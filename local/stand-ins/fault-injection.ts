import { IncomingMessage, Server, ServerResponse } from 'node:http';

/** Transient faults to inject, as probabilities per request or invocation (`--inject-faults s3=0.05,enrich=0.2,lambda=0.02,ddb=0.5`). */
export interface FaultPlan {
  /** S3 requests answered `503 SlowDown`. */
  readonly s3?: number;
  /** REST API (enrichment endpoint) requests answered `503`. */
  readonly enrich?: number;
  /** Lambda invocations that crash before the handler runs (`Runtime.ExitError`). */
  readonly lambda?: number;
  /**
   * DynamoDB under pressure: each write request of a BatchWriteItem and each key of a BatchGetItem answered
   * unprocessed (`UnprocessedItems`, `UnprocessedKeys`), never all of one batch (local/stand-ins/unprocessed-items.ts).
   * Drawn on DynamoDB's thread, with its own randomness: `random` does not reach it.
   */
  readonly ddb?: number;
  /** Source of randomness. @default Math.random */
  readonly random?: () => number;
}

const KINDS = ['s3', 'enrich', 'lambda', 'ddb'] as const;

/** Parses `s3=0.05,enrich=0.2,lambda=0.02,ddb=0.5`; throws on an unknown kind or a rate outside [0, 1]. */
export function parseFaultPlan(text: string): FaultPlan {
  const plan: Record<string, number> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [kind, value] = part.split('=');
    const rate = Number(value);
    if (!(KINDS as readonly string[]).includes(kind)) throw new Error(`unknown fault kind "${kind}" (expected ${KINDS.join(', ')})`);
    if (!(rate >= 0 && rate <= 1)) throw new Error(`fault rate for ${kind} must be between 0 and 1, got "${value}"`);
    plan[kind] = rate;
  }
  return plan;
}

/**
 * Puts a fault gate in front of a server's request handler: a request the gate picks is answered
 * by `fail` and never reaches the server. Returns the function that removes the gate.
 */
export function gateRequests(server: Server, rate: number, random: () => number, fail: (res: ServerResponse) => void): () => void {
  if (!rate) return () => undefined;
  const handlers = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  const gate = (req: IncomingMessage, res: ServerResponse) => {
    if (random() < rate) {
      req.resume();
      return fail(res);
    }
    for (const handler of handlers) handler.call(server, req, res);
  };
  server.removeAllListeners('request');
  server.on('request', gate);
  return () => {
    server.removeListener('request', gate);
    for (const handler of handlers) server.on('request', handler);
  };
}

/** What S3 answers when it sheds load; the SDK retries it with backoff. */
export function s3SlowDown(res: ServerResponse) {
  res.writeHead(503, { 'content-type': 'application/xml' });
  res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
}
