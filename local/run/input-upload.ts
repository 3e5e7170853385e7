import * as fs from 'node:fs';
import * as path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { UsageError } from '../shared/usage-error';

/** An input file uploaded to the processor's bucket, with what S3 answered (its S3 event names them). */
export interface UploadedInput {
  /** The local file, as given. */
  readonly file: string;
  readonly key: string;
  readonly size: number;
  readonly eTag: string;
  readonly versionId?: string;
}

/** The key a file is uploaded as: under the input prefix, with its own name. */
const inputKeyOf = (inputPrefix: string, file: string) => `${inputPrefix}${path.basename(file)}`;

/**
 * Refuses files of which two would be uploaded as the same key: the second upload would replace the first, and both
 * events would name the same object.
 */
export function checkInputKeys(inputPrefix: string, files: readonly string[]): void {
  const fileOfKey = new Map<string, string>();
  for (const file of files) {
    const key = inputKeyOf(inputPrefix, file);
    const other = fileOfKey.get(key);
    if (other !== undefined) throw new UsageError(`${other} and ${file} would both be uploaded as ${key}: give inputs different names`);
    fileOfKey.set(key, file);
  }
}

/**
 * Uploads the files under the input prefix, each with its own name, all at the same moment (each upload starts a run).
 * Streamed from the files: an input is never held in memory whole.
 */
export async function uploadInputs(s3: S3Client, bucket: string, inputPrefix: string, files: readonly string[]): Promise<UploadedInput[]> {
  return Promise.all(files.map(async (file) => {
    const key = inputKeyOf(inputPrefix, file);
    const size = fs.statSync(file).size;
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: fs.createReadStream(file), ContentLength: size }));
    return { file, key, size, eTag: put.ETag ?? '', versionId: put.VersionId };
  }));
}
