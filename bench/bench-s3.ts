// bench/ is development tooling, left out of the npm package: it runs on devDependencies.
/* eslint-disable import/no-extraneous-dependencies */
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { extendS3rver } from '../local/stand-ins/s3-extensions';
import { cacheStoreReads } from '../local/stand-ins/s3-store-cache';
import { LOCAL_CREDENTIALS } from '../local/stand-ins/stand-ins';

/** The local S3 of a handler benchmark: s3rver with the local cloud's extensions and latency model. */
export interface BenchS3 {
  readonly endpoint: string;
  /** A client of it, for the benchmark's own setup. */
  readonly client: S3Client;
  close(): Promise<void>;
}

/**
 * s3rver on `directory` (objects a previous server stored there are kept), answering every request
 * `latencyMs` late, as the local cloud's S3 does with `--s3-latency-ms`. It runs in the benchmark's
 * process, the handler under measurement in a child of its own: S3's work is not the handler's.
 */
export async function startBenchS3(directory: string, bucket: string, latencyMs: number): Promise<BenchS3> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require('s3rver');
  const s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  await s3rver.run();
  // As the local cloud's S3 (local/stand-ins/stand-ins.ts).
  cacheStoreReads(s3rver.store);
  extendS3rver(s3rver, { latencyMs });
  const server: Server = s3rver.httpServer;
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new S3Client({
    region: 'us-east-1',
    endpoint,
    credentials: LOCAL_CREDENTIALS,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    endpoint,
    client,
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      });
    },
  };
}

/** The bucket of the handler benchmarks. */
export const BENCH_BUCKET = 'bench';

/**
 * A bundled handler's environment: the construct's common variables (the bench bucket, the default
 * prefixes) and `settings`, and what the SDK needs to reach the bench's S3 as it reaches S3 on AWS.
 */
export function handlerEnvironment(endpoint: string, variables: Record<string, string>): Record<string, string> {
  return {
    ...variables,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
}
