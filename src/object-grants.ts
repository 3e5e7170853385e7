import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Grants on a bucket's objects for exactly the S3 calls a handler makes, with the KMS permissions
 * those calls need when the bucket is encrypted with a KMS key. CDK's `grantRead`, `grantPut` and
 * `grantDelete` give action groups (`s3:GetObject*`, `s3:GetBucket*`, `s3:List*` on the whole
 * bucket, `s3:DeleteObject*` versions included); these give one action per kind of call, on one
 * key pattern (e.g. `runs/*`), so each call site reads as what the handler does.
 *
 * Actions per call (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html):
 * GetObject and HeadObject need s3:GetObject, and s3:GetObjectVersion when a versionId is given;
 * PutObject, and the CreateMultipartUpload, UploadPart and CompleteMultipartUpload of a multipart
 * upload, need s3:PutObject; AbortMultipartUpload needs s3:AbortMultipartUpload; DeleteObject of the
 * current version needs s3:DeleteObject; ListObjectsV2 needs s3:ListBucket on the bucket.
 * Tags: GetObjectTagging needs s3:GetObjectTagging (s3:GetObjectVersionTagging for a version); writing
 * tags with an object (`x-amz-tagging` on PutObject or CreateMultipartUpload, or CopyObject copying the
 * source's tags) needs s3:PutObjectTagging as well, and CopyObject copying tags reads them from the
 * source (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html).
 *
 * KMS per call (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html): reading
 * an SSE-KMS object needs kms:Decrypt, writing one kms:GenerateDataKey; a multipart upload needs
 * kms:Decrypt as well (https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions).
 */

export interface ObjectReadOptions {
  /**
   * Also allow reading a given version (`versionId`), as s3:GetObjectVersion.
   *
   * @default false
   */
  readonly versions?: boolean;
  /**
   * Also allow reading the objects' tags (GetObjectTagging, or CopyObject copying them), as
   * s3:GetObjectTagging (and s3:GetObjectVersionTagging with `versions`).
   *
   * @default false
   */
  readonly tags?: boolean;
}

export interface ObjectWriteOptions {
  /**
   * The handler uploads in parts (lib-storage's `Upload`), which it aborts when it fails.
   *
   * @default false - single PutObject calls
   */
  readonly multipart?: boolean;
  /**
   * The objects are written with tags, as s3:PutObjectTagging.
   *
   * @default false
   */
  readonly tags?: boolean;
}

/** GetObject and HeadObject of the objects matching `pattern`. */
export function grantObjectRead(bucket: s3.IBucket, grantee: iam.IGrantable, pattern: string, options: ObjectReadOptions = {}): iam.Grant {
  const actions = [
    's3:GetObject',
    ...options.versions ? ['s3:GetObjectVersion'] : [],
    ...options.tags ? ['s3:GetObjectTagging'] : [],
    ...options.tags && options.versions ? ['s3:GetObjectVersionTagging'] : [],
  ];
  return withKey(bucket, grantee, objectGrant(bucket, grantee, pattern, actions), ['kms:Decrypt']);
}

/** PutObject (or a multipart upload) of objects matching `pattern`. */
export function grantObjectWrite(bucket: s3.IBucket, grantee: iam.IGrantable, pattern: string, options: ObjectWriteOptions = {}): iam.Grant {
  const actions = ['s3:PutObject', ...options.tags ? ['s3:PutObjectTagging'] : [], ...options.multipart ? ['s3:AbortMultipartUpload'] : []];
  const keyActions = options.multipart ? ['kms:GenerateDataKey', 'kms:Decrypt'] : ['kms:GenerateDataKey'];
  return withKey(bucket, grantee, objectGrant(bucket, grantee, pattern, actions), keyActions);
}

/** DeleteObject of the current version of objects matching `pattern` (no versionId: versioning keeps the data). */
export function grantObjectDelete(bucket: s3.IBucket, grantee: iam.IGrantable, pattern: string): iam.Grant {
  return objectGrant(bucket, grantee, pattern, ['s3:DeleteObject']);
}

/**
 * ListObjectsV2 of keys under `prefix`: s3:ListBucket on the bucket where `s3:prefix` starts with it.
 *
 * Not relied on to turn S3's answer to a GetObject or HeadObject of a missing key from 403 into 404:
 * S3 answers 404 to a caller with s3:ListBucket on the bucket
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, "Permissions") but does not say
 * whether a grant conditioned on `s3:prefix` counts. A handler that needs to know whether an object
 * exists lists its key (`objectExists` in lambda-src/shared/s3-objects.ts), which this grant allows.
 */
export function grantListUnder(bucket: s3.IBucket, grantee: iam.IGrantable, prefix: string): iam.Grant {
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['s3:ListBucket'],
    resourceArns: [bucket.bucketArn],
    conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
  });
}

function objectGrant(bucket: s3.IBucket, grantee: iam.IGrantable, pattern: string, actions: string[]): iam.Grant {
  return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [bucket.arnForObjects(pattern)] });
}

function withKey(bucket: s3.IBucket, grantee: iam.IGrantable, grant: iam.Grant, keyActions: string[]): iam.Grant {
  const key = bucket.encryptionKey;
  return key ? grant.combine(key.grant(grantee, ...keyActions)) : grant;
}
