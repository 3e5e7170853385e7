import * as fs from 'node:fs';
// local/ is development tooling, left out of the npm package: it runs on devDependencies.
import { IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { startDynamoDbThread } from './dynamodb-thread';
import { startS3StandIn } from './s3-stand-in';
import { AccessDenied, IamEngineOptions } from '../iam/iam-engine';

export { LOCAL_CREDENTIALS } from './s3-stand-in';

/** Requests seen by the stand-ins, by billing class (what AWS would charge for). */
export interface StandInCounters {
  /** PUT, COPY, POST, LIST: the S3 request class billed per 1,000 at the higher rate. */
  s3Tier1: number;
  /** GET, HEAD and the rest, billed at the lower rate. DELETE is free and not counted. */
  s3Tier2: number;
  dynamodbWriteUnits: number;
  dynamodbReadUnits: number;
  /** Write requests and keys of DynamoDB batches answered unprocessed by the `ddb` fault (asked again by the caller). */
  dynamodbUnprocessed: number;
}

export interface StandIns {
  /** s3rver's HTTP server (for fault injection and the IAM gate). */
  readonly s3Server: Server;
  /** The SES stand-in's HTTP server (for the sandbox's rules and the IAM gate). */
  readonly sesServer: Server;
  readonly s3Endpoint: string;
  readonly dynamodbEndpoint: string;
  readonly sesEndpoint: string;
  readonly counters: StandInCounters;
  /** DynamoDB's refusals so far (complete once `settleCounters()` resolved). */
  readonly dynamodbAccessDenied: readonly AccessDenied[];
  /** Whether s3rver holds the key's object (for the IAM gate's answer to a read of a missing key). */
  s3ObjectExists(bucket: string, key: string): boolean;
  /** Writes items into a DynamoDB table without the API, as fixture data: not counted (see `DynamoDbThread.seed`). */
  seedTable(table: string, items: Record<string, unknown>[]): Promise<void>;
  /** Resolves once `counters` include every request answered so far (DynamoDB counts from its thread). */
  settleCounters(): Promise<void>;
  /** Sets the `ddb` fault's rate (`DynamoDbThread.setUnprocessedRate`); 0 ends it. */
  setDynamoDbUnprocessedRate(rate: number): Promise<void>;
  /** Authorizes every DynamoDB request with the local IAM engine, on dynalite's thread (`DynamoDbThread.authorize`). */
  authorizeDynamoDb(options: IamEngineOptions): Promise<void>;
  /** Emails the SES stand-in received since it started (it keeps them in a process-wide store). */
  sentEmails(): Promise<SentEmail[]>;
  close(): Promise<void>;
}

export interface SentEmail {
  readonly to: string[];
  readonly subject: string;
  readonly text: string;
  readonly from?: string;
}

function urlOf(server: Server): string {
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

/** Classifies an S3 REST request the way the S3 price list does. */
export function s3RequestClass(method: string, url: string): 'tier1' | 'tier2' | 'free' {
  const pathOnly = url.split('?')[0];
  const isBucketLevel = pathOnly.split('/').filter(Boolean).length <= 1;
  if (method === 'DELETE') return 'free';
  if (method === 'PUT' || method === 'POST') return 'tier1';
  if (method === 'GET' && isBucketLevel) return 'tier1'; // LIST
  return 'tier2';
}

/**
 * DynamoDB capacity units of one request, from its body. On-demand bills one write unit per
 * 1 KB written and half a read unit per 4 KB read eventually consistent (one when strongly
 * consistent). The item size is approximated by its JSON length; reads are counted per key
 * requested (Query/Scan as one unit per request), because the stand-in's response is not inspected.
 */
export function dynamodbUnits(target: string, body: any): { write: number; read: number } {
  const writeUnits = (item: unknown) => Math.max(1, Math.ceil(JSON.stringify(item ?? {}).length / 1024));
  const readUnit = (consistent?: boolean) => (consistent ? 1 : 0.5);
  const op = target.split('.').pop();
  switch (op) {
    case 'PutItem': return { write: writeUnits(body.Item), read: 0 };
    case 'UpdateItem':
    case 'DeleteItem': return { write: writeUnits(body.Key), read: 0 };
    case 'BatchWriteItem': {
      let write = 0;
      for (const requests of Object.values<any[]>(body.RequestItems ?? {})) {
        for (const r of requests) write += writeUnits(r.PutRequest?.Item ?? r.DeleteRequest?.Key);
      }
      return { write, read: 0 };
    }
    case 'GetItem': return { write: 0, read: readUnit(body.ConsistentRead) };
    case 'BatchGetItem': {
      let read = 0;
      for (const request of Object.values<any>(body.RequestItems ?? {})) {
        read += (request.Keys?.length ?? 0) * readUnit(request.ConsistentRead);
      }
      return { write: 0, read };
    }
    case 'Query':
    case 'Scan': return { write: 0, read: readUnit(body.ConsistentRead) };
    default: return { write: 0, read: 0 };
  }
}

export interface StandInOptions {
  /** Delay before every S3 response, in ms: S3's first-byte latency (see `s3-extensions.ts`). @default 0 */
  readonly s3LatencyMs?: number;
}

/**
 * Starts s3rver and aws-ses-v2-local in this process, and dynalite on a thread of its own, on free loopback ports.
 * s3rver and dynalite store their data under temporary folders that are removed on close.
 */
export async function startStandIns(options: StandInOptions = {}): Promise<StandIns> {
  const counters: StandInCounters = { s3Tier1: 0, s3Tier2: 0, dynamodbWriteUnits: 0, dynamodbReadUnits: 0, dynamodbUnprocessed: 0 };

  const s3Directory = fs.mkdtempSync(path.join(os.tmpdir(), 'local-s3-'));
  const s3 = await startS3StandIn(s3Directory, { latencyMs: options.s3LatencyMs });
  const s3Server = s3.server;
  s3Server.on('request', (req: IncomingMessage) => {
    const cls = s3RequestClass(req.method ?? 'GET', req.url ?? '/');
    if (cls === 'tier1') counters.s3Tier1++;
    else if (cls === 'tier2') counters.s3Tier2++;
  });

  // Items live on disk (LevelDB), as the service keeps them: in memory, a million-row lookup table
  // would make the stand-in's heap grow with the input.
  const dynamoDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'local-dynamodb-'));
  const dynamo = await startDynamoDbThread(dynamoDirectory, (target, text) => {
    try {
      const units = dynamodbUnits(target, JSON.parse(text || '{}'));
      counters.dynamodbWriteUnits += units.write;
      counters.dynamodbReadUnits += units.read;
    } catch {
      // Not JSON: dynalite answers it with an error; nothing is billed.
    }
  });

  let unprocessedCounted = 0;

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ses = require('aws-ses-v2-local');
  const sesServer: Server = await ses.default({ host: '127.0.0.1', port: 0 });
  const sesEndpoint = urlOf(sesServer);
  // The SES stand-in keeps mail in a module-wide store: only report what arrived after we started.
  const baseline = ((await (await fetch(`${sesEndpoint}/store`)).json()) as any).emails.length as number;

  return {
    s3Server,
    s3ObjectExists: (bucket, key) => s3.objectExists(bucket, key),
    sesServer,
    s3Endpoint: s3.endpoint,
    dynamodbEndpoint: dynamo.endpoint,
    sesEndpoint,
    counters,
    seedTable: (table, items) => dynamo.seed(table, items),
    async settleCounters() {
      await dynamo.settle();
      // The thread's count is since it started; the counters' since they were last reset.
      counters.dynamodbUnprocessed += dynamo.unprocessed.count - unprocessedCounted;
      unprocessedCounted = dynamo.unprocessed.count;
    },
    setDynamoDbUnprocessedRate: (rate) => dynamo.setUnprocessedRate(rate),
    authorizeDynamoDb: (iamOptions) => dynamo.authorize(iamOptions),
    dynamodbAccessDenied: dynamo.accessDenied,
    async sentEmails() {
      const store = (await (await fetch(`${sesEndpoint}/store`)).json()) as any;
      return (store.emails as any[]).slice(baseline).map((e) => ({
        to: [e.destination?.to ?? []].flat().filter(Boolean).flatMap((t: string) => t.split(',').map((s) => s.trim())),
        subject: String(e.subject ?? ''),
        text: String(e.body?.text ?? ''),
        from: e.from,
      }));
    },
    async close() {
      await Promise.all([s3.close(), dynamo.close(), closeServer(sesServer)]);
      // dynalite's close() closes its LevelDB too, before the folder goes.
      fs.rmSync(s3Directory, { recursive: true, force: true });
      fs.rmSync(dynamoDirectory, { recursive: true, force: true });
    },
  };
}
