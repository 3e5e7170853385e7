// bench/ is development tooling, left out of the npm package: it runs on devDependencies.
import { S3Client } from '@aws-sdk/client-s3';
import { LOCAL_CREDENTIALS, standInS3Client, startS3StandIn } from '../local/stand-ins/s3-stand-in';

/** The local S3 of a handler benchmark: the local cloud's S3 stand-in, with its latency model. */
export interface BenchS3 {
  readonly endpoint: string;
  /** A client of it, for the benchmark's own setup. */
  readonly client: S3Client;
  close(): Promise<void>;
}

/**
 * The S3 stand-in on `directory` (objects a previous server stored there are kept), answering every request
 * `latencyMs` late, as the local cloud's S3 does with `--s3-latency-ms`. It runs in the benchmark's
 * process, the handler under measurement in a child of its own: S3's work is not the handler's.
 */
export async function startBenchS3(directory: string, bucket: string, latencyMs: number): Promise<BenchS3> {
  const s3 = await startS3StandIn(directory, { buckets: [bucket], latencyMs });
  const client = standInS3Client(s3.endpoint);
  return {
    endpoint: s3.endpoint,
    client,
    async close() {
      client.destroy();
      await s3.close();
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
