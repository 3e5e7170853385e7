/**
 * S3's size limits that s3rver does not check: CopyObject's 5 GiB source, part numbers 1 to 10,000 (UploadPart,
 * UploadPartCopy), and 5 MiB for every part but the last (CompleteMultipartUpload).
 */
import * as fs from 'node:fs/promises';
import { ObjectRef } from './s3-request';
import { S3Failure } from './s3-responses';
import { S3rverStore, uploadsPath } from './s3rver-store';

/**
 * S3's limits, from https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html; the errors are those of
 * https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList (EntityTooSmall, InvalidArgument,
 * InvalidRequest). Written out here, not imported from the handlers' copy code: the stand-in reads AWS's rules on its
 * own, so a wrong limit in the handlers is caught by it.
 */
export const S3_LIMITS = {
  /** The largest source CopyObject copies. */
  copySourceMaxBytes: 5 * 1024 * 1024 * 1024,
  /** The smallest part of a multipart upload, the last one excepted. */
  minPartBytes: 5 * 1024 * 1024,
  maxPartNumber: 10_000,
} as const;

/** A part number S3 accepts: an integer from 1 to 10,000 (https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPart.html). */
export function checkPartNumber(text: string | null): number {
  const partNumber = Number(text);
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > S3_LIMITS.maxPartNumber) {
    throw new S3Failure(400, 'InvalidArgument', `Part number must be an integer between 1 and ${S3_LIMITS.maxPartNumber}, inclusive`);
  }
  return partNumber;
}

/** The part numbers a CompleteMultipartUpload body lists, in its order. */
export function completedPartNumbers(body: string): number[] {
  return [...body.matchAll(/<PartNumber>\s*(\d+)\s*<\/PartNumber>/g)].map((match) => Number(match[1]));
}

/** Every part but the last (the highest number, as S3 requires them in ascending order) is at least 5 MiB. */
export async function checkPartSizes(store: S3rverStore, bucket: string, uploadId: string, partNumbers: number[]): Promise<void> {
  for (const partNumber of partNumbers.slice(0, -1)) {
    // A part that was never uploaded is s3rver's to refuse (InvalidPart).
    const size = await fs.stat(`${uploadsPath(store, bucket, uploadId)}/${partNumber}`).then((stat) => stat.size, () => undefined);
    if (size !== undefined && size < S3_LIMITS.minPartBytes) {
      throw new S3Failure(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.');
    }
  }
}

/** CopyObject's source is at most 5 GiB: the size s3rver reports for it (HeadObject's Content-Length) is its file's. */
export async function checkCopySourceSize(store: S3rverStore, source: ObjectRef): Promise<void> {
  const size = await fs.stat(store.getResourcePath(source.bucket, source.key, 'object')).then((stat) => stat.size, () => 0);
  if (size > S3_LIMITS.copySourceMaxBytes) {
    throw new S3Failure(400, 'InvalidRequest', `The specified copy source is larger than the maximum allowable size for a copy source: ${S3_LIMITS.copySourceMaxBytes}`);
  }
}
