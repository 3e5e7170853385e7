/**
 * S3 calls → the IAM actions, resources and condition keys S3 authorizes them with, per
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html and
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html.
 * One call shape (`S3Call`) is read from a path-style REST request (`s3CallOfRequest`) or from the
 * parameters of a Step Functions `aws-sdk:s3:*` task (`s3CallOfSdk`), so both are checked alike.
 *
 * Assumed where the documentation leaves it open: CopyObject with the default tagging directive (COPY)
 * needs `s3:GetObjectTagging` on the source only when the source has tags, which a request does not show;
 * it is not asked. On an SSE-KMS bucket, writes also need `kms:GenerateDataKey` and reads `kms:Decrypt` on
 * the bucket's key (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#require-sse-kms);
 * a multipart upload asks both when it is created.
 */
import { AuthorizationCheck } from './policy-evaluation';
import { RequestContext } from './request-context';
import { header, HttpRequest, requestUrl, UnmappedRequestError } from '../shared/http-request';

export interface S3Call {
  /** The S3 API operation, e.g. `PutObject`. */
  readonly operation: string;
  readonly bucket?: string;
  readonly key?: string;
  readonly versionId?: string;
  readonly copySource?: { readonly bucket: string; readonly key: string; readonly versionId?: string };
  /** A tag set is written with the object (`x-amz-tagging`, or CopyObject's REPLACE directive). */
  readonly writesTags?: boolean;
  /** An ACL is written with the object (`x-amz-acl`, `x-amz-grant-*`). */
  readonly writesAcl?: boolean;
  readonly writesRetention?: boolean;
  readonly writesLegalHold?: boolean;
  /** DeleteObjects: the objects named in the body. */
  readonly deletes?: ReadonlyArray<{ readonly key: string; readonly versionId?: string }>;
  /** A KMS key named by the request (`x-amz-server-side-encryption-aws-kms-key-id`). */
  readonly kmsKeyId?: string;
  /** Service-specific condition keys (`s3:prefix`, `s3:x-amz-acl`, …). */
  readonly context: RequestContext;
}

type Level = 'account' | 'bucket' | 'object';

/** Each operation's action, its action on a specific version (when `versionId` is given), and what it touches. */
const OPERATIONS: Record<string, { action: string; versionAction?: string; level: Level; kms?: 'read' | 'write' | 'both' }> = {
  ListBuckets: { action: 's3:ListAllMyBuckets', level: 'account' },
  ListObjects: { action: 's3:ListBucket', level: 'bucket' },
  ListObjectsV2: { action: 's3:ListBucket', level: 'bucket' },
  HeadBucket: { action: 's3:ListBucket', level: 'bucket' },
  ListObjectVersions: { action: 's3:ListBucketVersions', level: 'bucket' },
  ListMultipartUploads: { action: 's3:ListBucketMultipartUploads', level: 'bucket' },
  CreateBucket: { action: 's3:CreateBucket', level: 'bucket' },
  DeleteBucket: { action: 's3:DeleteBucket', level: 'bucket' },
  GetBucketLocation: { action: 's3:GetBucketLocation', level: 'bucket' },
  GetBucketNotificationConfiguration: { action: 's3:GetBucketNotification', level: 'bucket' },
  PutBucketNotificationConfiguration: { action: 's3:PutBucketNotification', level: 'bucket' },
  GetBucketPolicy: { action: 's3:GetBucketPolicy', level: 'bucket' },
  PutBucketPolicy: { action: 's3:PutBucketPolicy', level: 'bucket' },
  DeleteBucketPolicy: { action: 's3:DeleteBucketPolicy', level: 'bucket' },
  GetBucketVersioning: { action: 's3:GetBucketVersioning', level: 'bucket' },
  PutBucketVersioning: { action: 's3:PutBucketVersioning', level: 'bucket' },
  GetBucketTagging: { action: 's3:GetBucketTagging', level: 'bucket' },
  PutBucketTagging: { action: 's3:PutBucketTagging', level: 'bucket' },
  GetBucketCors: { action: 's3:GetBucketCORS', level: 'bucket' },
  PutBucketCors: { action: 's3:PutBucketCORS', level: 'bucket' },
  GetBucketLifecycleConfiguration: { action: 's3:GetLifecycleConfiguration', level: 'bucket' },
  PutBucketLifecycleConfiguration: { action: 's3:PutLifecycleConfiguration', level: 'bucket' },
  GetBucketEncryption: { action: 's3:GetEncryptionConfiguration', level: 'bucket' },
  PutBucketEncryption: { action: 's3:PutEncryptionConfiguration', level: 'bucket' },
  GetBucketAcl: { action: 's3:GetBucketAcl', level: 'bucket' },
  PutBucketAcl: { action: 's3:PutBucketAcl', level: 'bucket' },
  GetObject: { action: 's3:GetObject', versionAction: 's3:GetObjectVersion', level: 'object', kms: 'read' },
  HeadObject: { action: 's3:GetObject', versionAction: 's3:GetObjectVersion', level: 'object' },
  GetObjectAttributes: { action: 's3:GetObjectAttributes', versionAction: 's3:GetObjectVersionAttributes', level: 'object' },
  PutObject: { action: 's3:PutObject', level: 'object', kms: 'write' },
  CopyObject: { action: 's3:PutObject', level: 'object', kms: 'write' },
  DeleteObject: { action: 's3:DeleteObject', versionAction: 's3:DeleteObjectVersion', level: 'object' },
  CreateMultipartUpload: { action: 's3:PutObject', level: 'object', kms: 'both' },
  UploadPart: { action: 's3:PutObject', level: 'object' },
  UploadPartCopy: { action: 's3:PutObject', level: 'object' },
  CompleteMultipartUpload: { action: 's3:PutObject', level: 'object' },
  AbortMultipartUpload: { action: 's3:AbortMultipartUpload', level: 'object' },
  ListParts: { action: 's3:ListMultipartUploadParts', level: 'object' },
  GetObjectTagging: { action: 's3:GetObjectTagging', versionAction: 's3:GetObjectVersionTagging', level: 'object' },
  PutObjectTagging: { action: 's3:PutObjectTagging', versionAction: 's3:PutObjectVersionTagging', level: 'object' },
  DeleteObjectTagging: { action: 's3:DeleteObjectTagging', versionAction: 's3:DeleteObjectVersionTagging', level: 'object' },
  GetObjectAcl: { action: 's3:GetObjectAcl', versionAction: 's3:GetObjectVersionAcl', level: 'object' },
  PutObjectAcl: { action: 's3:PutObjectAcl', versionAction: 's3:PutObjectVersionAcl', level: 'object' },
  GetObjectRetention: { action: 's3:GetObjectRetention', level: 'object' },
  PutObjectRetention: { action: 's3:PutObjectRetention', level: 'object' },
  GetObjectLegalHold: { action: 's3:GetObjectLegalHold', level: 'object' },
  PutObjectLegalHold: { action: 's3:PutObjectLegalHold', level: 'object' },
  RestoreObject: { action: 's3:RestoreObject', level: 'object' },
  DeleteObjects: { action: 's3:DeleteObject', versionAction: 's3:DeleteObjectVersion', level: 'bucket' },
};

/** Bucket subresources (query parameters) → operation, by HTTP method. */
const BUCKET_SUBRESOURCES: Record<string, Record<string, string>> = {
  GET: {
    uploads: 'ListMultipartUploads',
    versions: 'ListObjectVersions',
    location: 'GetBucketLocation',
    notification: 'GetBucketNotificationConfiguration',
    policy: 'GetBucketPolicy',
    versioning: 'GetBucketVersioning',
    tagging: 'GetBucketTagging',
    cors: 'GetBucketCors',
    lifecycle: 'GetBucketLifecycleConfiguration',
    encryption: 'GetBucketEncryption',
    acl: 'GetBucketAcl',
  },
  PUT: {
    notification: 'PutBucketNotificationConfiguration',
    policy: 'PutBucketPolicy',
    versioning: 'PutBucketVersioning',
    tagging: 'PutBucketTagging',
    cors: 'PutBucketCors',
    lifecycle: 'PutBucketLifecycleConfiguration',
    encryption: 'PutBucketEncryption',
    acl: 'PutBucketAcl',
  },
  DELETE: { policy: 'DeleteBucketPolicy' },
  POST: { delete: 'DeleteObjects' },
};

const OBJECT_SUBRESOURCES: Record<string, Record<string, string>> = {
  GET: { 'tagging': 'GetObjectTagging', 'acl': 'GetObjectAcl', 'uploadId': 'ListParts', 'attributes': 'GetObjectAttributes', 'retention': 'GetObjectRetention', 'legal-hold': 'GetObjectLegalHold' },
  PUT: { 'tagging': 'PutObjectTagging', 'acl': 'PutObjectAcl', 'retention': 'PutObjectRetention', 'legal-hold': 'PutObjectLegalHold' },
  DELETE: { tagging: 'DeleteObjectTagging', uploadId: 'AbortMultipartUpload' },
  POST: { uploads: 'CreateMultipartUpload', uploadId: 'CompleteMultipartUpload', restore: 'RestoreObject' },
};

/** `bucket/key`, `/bucket/key` or `bucket/key?versionId=v`, URL-encoded, as in `x-amz-copy-source` and `CopySource`. */
function parseCopySource(text: string): S3Call['copySource'] {
  const [path, query] = text.replace(/^\//, '').split('?');
  const slash = path.indexOf('/');
  const versionId = new URLSearchParams(query ?? '').get('versionId') ?? undefined;
  return { bucket: decodeURIComponent(path.slice(0, slash)), key: decodeURIComponent(path.slice(slash + 1)), versionId };
}

/** Reads a path-style S3 REST request (the local endpoint is an IP address, so the SDK uses path style). */
export function s3CallOfRequest(request: HttpRequest): S3Call {
  const url = requestUrl(request);
  const [, bucketPart, ...keyParts] = url.pathname.split('/');
  const bucket = bucketPart ? decodeURIComponent(bucketPart) : undefined;
  const key = keyParts.length && keyParts.join('/') !== '' ? keyParts.map(decodeURIComponent).join('/') : undefined;
  const q = url.searchParams;
  const method = request.method.toUpperCase();
  const subresource = (table: Record<string, Record<string, string>>) => Object.entries(table[method] ?? {}).find(([name]) => q.has(name))?.[1];
  const copySourceHeader = header(request, 'x-amz-copy-source');
  const taggingDirective = header(request, 'x-amz-tagging-directive')?.toUpperCase();

  let operation: string | undefined;
  if (!bucket) {operation = method === 'GET' ? 'ListBuckets' : undefined;} else if (!key) {
    operation = subresource(BUCKET_SUBRESOURCES)
      ?? ({ GET: q.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects', HEAD: 'HeadBucket', PUT: 'CreateBucket', DELETE: 'DeleteBucket' } as Record<string, string>)[method];
  } else if (method === 'PUT' && q.has('partNumber') && q.has('uploadId')) {operation = copySourceHeader ? 'UploadPartCopy' : 'UploadPart';} else {
    operation = subresource(OBJECT_SUBRESOURCES)
      ?? ({ GET: 'GetObject', HEAD: 'HeadObject', PUT: copySourceHeader ? 'CopyObject' : 'PutObject', DELETE: 'DeleteObject' } as Record<string, string>)[method];
  }
  if (!operation) throw new UnmappedRequestError(request, 'not an S3 operation the local IAM engine knows');

  const headerContext: Record<string, string> = {};
  for (const name of ['x-amz-acl', 'x-amz-server-side-encryption', 'x-amz-server-side-encryption-aws-kms-key-id', 'x-amz-copy-source', 'x-amz-metadata-directive', 'x-amz-storage-class']) {
    const value = header(request, name);
    if (value !== undefined) headerContext[`s3:${name}`] = value;
  }
  const listContext: Record<string, string> = {};
  for (const [param, contextKey] of [['prefix', 's3:prefix'], ['delimiter', 's3:delimiter'], ['max-keys', 's3:max-keys']]) {
    const value = q.get(param);
    if (value !== null) listContext[contextKey] = value;
  }
  const versionId = q.get('versionId') ?? undefined;
  const presigned = q.has('X-Amz-Credential') || q.has('AWSAccessKeyId');
  const body = request.body?.toString() ?? '';
  return {
    operation,
    bucket,
    key,
    versionId,
    copySource: copySourceHeader ? parseCopySource(copySourceHeader) : undefined,
    writesTags: header(request, 'x-amz-tagging') !== undefined && (operation !== 'CopyObject' || taggingDirective === 'REPLACE'),
    writesAcl: header(request, 'x-amz-acl') !== undefined || Object.keys(request.headers).some((h) => h.startsWith('x-amz-grant-')),
    writesRetention: header(request, 'x-amz-object-lock-mode') !== undefined || header(request, 'x-amz-object-lock-retain-until-date') !== undefined,
    writesLegalHold: header(request, 'x-amz-object-lock-legal-hold') !== undefined,
    deletes: operation === 'DeleteObjects'
      ? [...body.matchAll(/<Object>([\s\S]*?)<\/Object>/g)].map(([, object]) => ({
        key: unescapeXml(/<Key>([\s\S]*?)<\/Key>/.exec(object)?.[1] ?? ''),
        versionId: /<VersionId>([\s\S]*?)<\/VersionId>/.exec(object)?.[1],
      }))
      : undefined,
    kmsKeyId: header(request, 'x-amz-server-side-encryption-aws-kms-key-id'),
    context: {
      ...headerContext,
      ...listContext,
      ...(versionId ? { 's3:VersionId': versionId } : {}),
      's3:authType': presigned ? 'REST-QUERY-STRING' : 'REST-HEADER',
      's3:signatureversion': (header(request, 'authorization') ?? '').startsWith('AWS ') || q.has('AWSAccessKeyId') ? 'AWS' : 'AWS4-HMAC-SHA256',
    },
  };
}

function unescapeXml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/** Reads the parameters of a Step Functions `aws-sdk:s3:<action>` task (the SDK's input shape). */
export function s3CallOfSdk(action: string, parameters: Record<string, any>): S3Call {
  const operation = action.charAt(0).toUpperCase() + action.slice(1);
  const list: Record<string, string> = {};
  if (parameters.Prefix !== undefined) list['s3:prefix'] = String(parameters.Prefix);
  if (parameters.Delimiter !== undefined) list['s3:delimiter'] = String(parameters.Delimiter);
  if (parameters.MaxKeys !== undefined) list['s3:max-keys'] = String(parameters.MaxKeys);
  return {
    operation,
    bucket: parameters.Bucket,
    key: parameters.Key,
    versionId: parameters.VersionId,
    copySource: parameters.CopySource ? parseCopySource(String(parameters.CopySource)) : undefined,
    writesTags: parameters.Tagging !== undefined && (operation !== 'CopyObject' || parameters.TaggingDirective === 'REPLACE'),
    writesAcl: parameters.ACL !== undefined || Object.keys(parameters).some((p) => p.startsWith('Grant')),
    writesRetention: parameters.ObjectLockMode !== undefined || parameters.ObjectLockRetainUntilDate !== undefined,
    writesLegalHold: parameters.ObjectLockLegalHoldStatus !== undefined,
    deletes: parameters.Delete?.Objects?.map((o: any) => ({ key: o.Key, versionId: o.VersionId })),
    kmsKeyId: parameters.SSEKMSKeyId,
    context: {
      ...list,
      ...(parameters.CopySource ? { 's3:x-amz-copy-source': String(parameters.CopySource) } : {}),
      ...(parameters.ACL ? { 's3:x-amz-acl': String(parameters.ACL) } : {}),
      ...(parameters.VersionId ? { 's3:VersionId': String(parameters.VersionId) } : {}),
      's3:authType': 'REST-HEADER',
      's3:signatureversion': 'AWS4-HMAC-SHA256',
    },
  };
}

const objectArn = (bucket: string, key: string) => `arn:aws:s3:::${bucket}/${key}`;

/** The checks S3 makes for a call; `bucketKeys` names the KMS key of each SSE-KMS bucket. */
export function s3CallChecks(call: S3Call, bucketKeys: ReadonlyMap<string, string> = new Map()): AuthorizationCheck[] {
  const spec = OPERATIONS[call.operation];
  if (!spec) throw new Error(`local IAM: S3 operation ${call.operation} is not mapped to IAM actions`);
  const { context } = call;
  const actionOn = (versionId?: string) => (versionId && spec.versionAction ? spec.versionAction : spec.action);
  if (spec.level === 'account') return [{ action: spec.action, resource: '*', context }];
  if (!call.bucket) throw new Error(`local IAM: S3 ${call.operation} without a bucket`);
  const bucketArn = `arn:aws:s3:::${call.bucket}`;
  if (call.operation === 'DeleteObjects') {
    return (call.deletes ?? []).map((d) => ({ action: actionOn(d.versionId), resource: objectArn(call.bucket!, d.key), context }));
  }
  if (spec.level === 'bucket') return [{ action: spec.action, resource: bucketArn, context }];
  if (call.key === undefined) throw new Error(`local IAM: S3 ${call.operation} without a key`);

  const target = objectArn(call.bucket, call.key);
  const checks: AuthorizationCheck[] = [{ action: actionOn(call.versionId), resource: target, context }];
  const source = call.copySource;
  if (source && (call.operation === 'CopyObject' || call.operation === 'UploadPartCopy')) {
    const read = source.versionId ? 's3:GetObjectVersion' : 's3:GetObject';
    checks.push({ action: read, resource: objectArn(source.bucket, source.key), context: { ...context, ...(source.versionId ? { 's3:VersionId': source.versionId } : {}) } });
  }
  if (call.writesTags) checks.push({ action: 's3:PutObjectTagging', resource: target, context });
  if (call.writesAcl) checks.push({ action: 's3:PutObjectAcl', resource: target, context });
  if (call.writesRetention) checks.push({ action: 's3:PutObjectRetention', resource: target, context });
  if (call.writesLegalHold) checks.push({ action: 's3:PutObjectLegalHold', resource: target, context });

  const targetKey = call.kmsKeyId ?? bucketKeys.get(call.bucket);
  const kms = (action: string, keyArn: string | undefined) => (keyArn ? [{ action, resource: keyArn, context: {} }] : []);
  if (spec.kms === 'write' || spec.kms === 'both') checks.push(...kms('kms:GenerateDataKey', targetKey));
  if (spec.kms === 'read' || spec.kms === 'both') checks.push(...kms('kms:Decrypt', targetKey));
  if (source && (call.operation === 'CopyObject' || call.operation === 'UploadPartCopy')) checks.push(...kms('kms:Decrypt', bucketKeys.get(source.bucket)));
  return checks;
}

/**
 * The check S3 makes before it answers a GetObject or HeadObject of a key that does not exist: with
 * `s3:ListBucket` on the bucket the answer is 404 NoSuchKey, without it 403 AccessDenied
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, "Permissions"). The documentation
 * does not say that a ListBucket allowed only under an `s3:prefix` condition counts, nor with which prefix
 * it would be evaluated: the check is made without one (as for a listing of the whole bucket), so only an
 * unconditioned grant gets the 404. Undefined for any other call, and for a read of a given version
 * (left to the stand-in's NoSuchVersion).
 */
export function missingObjectCheck(call: S3Call): AuthorizationCheck | undefined {
  if ((call.operation !== 'GetObject' && call.operation !== 'HeadObject') || call.versionId || !call.bucket || call.key === undefined) return undefined;
  const { 's3:prefix': _prefix, 's3:delimiter': _delimiter, 's3:max-keys': _maxKeys, ...context } = call.context;
  return { action: 's3:ListBucket', resource: `arn:aws:s3:::${call.bucket}`, context };
}
