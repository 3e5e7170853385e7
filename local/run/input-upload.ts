import * as fs from 'node:fs';
import * as path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

/** An input file uploaded to the processor's bucket, with what S3 answered (its S3 event names them). */
export interface UploadedInput {
  readonly key: string;
  readonly size: number;
  readonly eTag: string;
  readonly versionId?: string;
}

/**
 * Uploads the files under the input prefix, each with its own name, all at the same moment (each upload starts a run).
 * Streamed from the files: an input is never held in memory whole.
 */
export async function uploadInputs(s3: S3Client, bucket: string, inputPrefix: string, files: readonly string[]): Promise<UploadedInput[]> {
  return Promise.all(files.map(async (file) => {
    const key = `${inputPrefix}${path.basename(file)}`;
    const size = fs.statSync(file).size;
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: fs.createReadStream(file), ContentLength: size }));
    return { key, size, eTag: put.ETag ?? '', versionId: put.VersionId };
  }));
}
