/**
 * The S3 stand-in: s3rver on a free loopback port, storing under `directory`, with what the local cloud puts
 * beside and in front of it: the store cache (`s3-store-cache.ts`) and the extensions (`s3-extensions.ts`).
 * One place for the local cloud, the handler tests and the handler benchmarks, so all three run the same S3.
 */
import * as fs from 'node:fs';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { extendS3rver } from './s3-extensions';
import { cacheStoreReads } from './s3-store-cache';

/** Credentials the stand-ins accept (s3rver only knows this pair). */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface S3StandIn {
  readonly endpoint: string;
  /** s3rver's HTTP server (for fault injection and the IAM gate). */
  readonly server: Server;
  /** s3rver's FilesystemStore (its files' paths: `getResourcePath`). s3rver ships no types. */
  readonly store: any;
  /** Whether the store holds the key's object now (its file: a stat, no request). */
  objectExists(bucket: string, key: string): boolean;
  close(): Promise<void>;
}

export interface S3StandInOptions {
  /** Buckets created at start. @default - none */
  readonly buckets?: string[];
  /** Delay before every response, in ms (`--s3-latency-ms`). @default 0 */
  readonly latencyMs?: number;
}

export async function startS3StandIn(directory: string, options: S3StandInOptions = {}): Promise<S3StandIn> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require('s3rver');
  const s3rver = new S3rver({
    address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: (options.buckets ?? []).map((name) => ({ name })),
  });
  await s3rver.run();
  cacheStoreReads(s3rver.store);
  extendS3rver(s3rver, { latencyMs: options.latencyMs });
  const server: Server = s3rver.httpServer;
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    store: s3rver.store,
    objectExists: (bucket, key) => fs.existsSync(s3rver.store.getResourcePath(bucket, key, 'object')),
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** An SDK client of the stand-in with the stand-ins' own credentials (for setting up and checking; functions have their own). */
export function standInS3Client(endpoint: string): S3Client {
  return new S3Client({
    region: 'us-east-1',
    endpoint,
    credentials: LOCAL_CREDENTIALS,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
