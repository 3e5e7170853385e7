import { Annotations, Resource } from 'aws-cdk-lib';
import { IKey } from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** The id of the synth warning for an imported bucket without its key, to acknowledge it with `Annotations.acknowledgeWarning`. */
export const IMPORTED_BUCKET_WITHOUT_KEY_WARNING = 'cdk-batch-file-processor:importedBucketWithoutKey';

/**
 * The handlers' grants on the bucket include its key only when the bucket knows it: a bucket created
 * in a stack does, an imported one only when imported with it. `Bucket.fromBucketName` has none, so
 * on an SSE-KMS bucket every read and write is denied at run time; the construct cannot tell the
 * bucket's encryption at synth, so it warns, unless the processor is given an `encryptionKey`, which
 * says the user has set up encryption.
 */
export function warnIfImportedBucketHasNoKey(scope: Construct, bucket: s3.IBucket, encryptionKey: IKey | undefined): void {
  if (Resource.isOwnedResource(bucket) || bucket.encryptionKey || encryptionKey) return;
  Annotations.of(scope).addWarningV2(IMPORTED_BUCKET_WITHOUT_KEY_WARNING, [
    'bucket is imported without an encryption key, so the handlers are granted no KMS key. If the bucket is',
    'encrypted with SSE-KMS (a customer managed key), every read and write of a run is denied: import it with',
    'its key: s3.Bucket.fromBucketAttributes(this, id, { bucketName, encryptionKey }).',
    'Acknowledge this warning if the bucket uses S3-managed encryption (SSE-S3).',
  ].join('\n'));
}
