/**
 * In-process S3 (s3rver) and DynamoDB (dynalite) on free ports for handler tests, with the
 * environment the real SDK clients need to reach them. Call before importing the handlers.
 */
import * as fs from 'node:fs';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tempFolder } from './temp-folder';
import { LOCAL_CREDENTIALS, startS3StandIn } from '../../local/stand-ins/s3-stand-in';

// dynalite ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite');

export interface LocalAws {
  readonly bucket: string;
  close(): Promise<void>;
}

export async function startLocalAws(options: { bucket: string; dynamodb?: boolean }): Promise<LocalAws> {
  const directory = tempFolder('s3rver-');
  // The local runner's S3: its store cache and extensions (UploadPartCopy, AbortMultipartUpload, tags at creation, versions).
  const s3 = await startS3StandIn(directory, { buckets: [options.bucket] });
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    AWS_ENDPOINT_URL_S3: s3.endpoint,
  });
  let dynamo: Server | undefined;
  if (options.dynamodb) {
    const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.env.AWS_ENDPOINT_URL_DYNAMODB = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dynamo = server;
  }
  return {
    bucket: options.bucket,
    async close() {
      await s3.close();
      if (dynamo) {
        const server = dynamo;
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections?.();
        });
      }
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
