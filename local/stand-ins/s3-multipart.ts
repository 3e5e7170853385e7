/**
 * The multipart upload operations s3rver lacks or takes unchecked: UploadPartCopy (a ranged read of the source,
 * stored as an ordinary part, honouring `x-amz-copy-source-if-match`), AbortMultipartUpload and ListMultipartUploads;
 * CreateMultipartUpload keeps the upload's `x-amz-tagging` for CompleteMultipartUpload, and S3's part limits are
 * checked (`s3-limits.ts`).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { checkPartNumber, checkPartSizes, completedPartNumbers } from './s3-limits';
import { parseCopySource, RouteOutcome, S3Request } from './s3-request';
import { S3Failure, sendXml, xmlEscape } from './s3-responses';
import { setTags } from './s3-tagging';
import { S3Versioning } from './s3-versioning';
import { S3rverStore, uploadsPath } from './s3rver-store';
import { replayed } from '../iam/request-gate';

export class S3Multipart {
  /** The tags given at CreateMultipartUpload, by upload id, until the upload completes or is aborted. */
  private readonly uploadTagging = new Map<string, string>();

  constructor(private readonly store: S3rverStore, private readonly versioning: S3Versioning) {}

  readonly create = async ({ req, res, bucket, key, header }: S3Request): Promise<RouteOutcome> => {
    const uploadId = randomBytes(16).toString('hex');
    await this.store.initiateUpload(bucket, key, uploadId, req.headers);
    const tagging = header('x-amz-tagging');
    if (tagging) this.uploadTagging.set(uploadId, tagging);
    sendXml(res, 200, `<InitiateMultipartUploadResult><Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`);
    return 'answered';
  };

  /** s3rver assembles the object, once the parts' sizes are checked; it gets the upload's tags (and its version). */
  readonly complete = async ({ req, res, bucket, key, query }: S3Request): Promise<RouteOutcome> => {
    const uploadId = query.get('uploadId')!;
    const body = Buffer.concat(await req.toArray());
    await checkPartSizes(this.store, bucket, uploadId, completedPartNumbers(body.toString('utf8')));
    this.versioning.afterWrite(res, bucket, key, () => setTags(this.store, bucket, key, this.uploadTagging.get(uploadId)));
    res.on('finish', () => this.uploadTagging.delete(uploadId));
    return replayed(req, body);
  };

  readonly abort = async ({ res, bucket, query }: S3Request): Promise<RouteOutcome> => {
    const uploadId = query.get('uploadId')!;
    await this.requireUpload(bucket, uploadId);
    await fs.rm(uploadsPath(this.store, bucket, uploadId), { recursive: true, force: true });
    this.uploadTagging.delete(uploadId);
    res.writeHead(204).end();
    return 'answered';
  };

  readonly list = async ({ res, bucket }: S3Request): Promise<RouteOutcome> => {
    const ids = await fs.readdir(uploadsPath(this.store, bucket)).catch(() => [] as string[]);
    const uploads = await Promise.all(ids.map(async (id) => {
      const key = await fs.readFile(`${uploadsPath(this.store, bucket, id)}/key`, 'utf8').catch(() => undefined);
      return key === undefined ? '' : `<Upload><Key>${xmlEscape(key)}</Key><UploadId>${id}</UploadId></Upload>`;
    }));
    sendXml(res, 200, `<ListMultipartUploadsResult><Bucket>${xmlEscape(bucket)}</Bucket><IsTruncated>false</IsTruncated>${uploads.join('')}</ListMultipartUploadsResult>`);
    return 'answered';
  };

  /** UploadPart is s3rver's, once its part number is checked. */
  readonly uploadPart = async ({ req, query }: S3Request): Promise<RouteOutcome> => {
    checkPartNumber(query.get('partNumber'));
    return req;
  };

  readonly uploadPartCopy = async ({ res, bucket, query, header }: S3Request): Promise<RouteOutcome> => {
    const partNumber = checkPartNumber(query.get('partNumber'));
    const uploadId = query.get('uploadId')!;
    await this.requireUpload(bucket, uploadId);
    const from = await this.versioning.located(parseCopySource(header('x-amz-copy-source')!));
    const range = /^bytes=(\d+)-(\d+)$/.exec(header('x-amz-copy-source-range') ?? '');
    const object = await this.store.getObject(from.bucket, from.key, range ? { start: Number(range[1]), end: Number(range[2]) } : undefined);
    if (!object?.content) throw new S3Failure(404, 'NoSuchKey', 'The specified key does not exist.');
    const ifMatch = header('x-amz-copy-source-if-match');
    if (ifMatch && ifMatch.replace(/"/g, '') !== object.metadata.etag.replace(/"/g, '')) {
      (object.content as NodeJS.ReadableStream & { destroy(): void }).destroy();
      throw new S3Failure(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
    }
    const { md5 } = await this.store.putPart(bucket, uploadId, partNumber, object.content);
    sendXml(res, 200, `<CopyPartResult><ETag>"${md5}"</ETag><LastModified>${new Date().toISOString()}</LastModified></CopyPartResult>`);
    return 'answered';
  };

  private async requireUpload(bucket: string, uploadId: string): Promise<void> {
    const exists = await fs.stat(uploadsPath(this.store, bucket, uploadId)).then(() => true, () => false);
    if (!exists) throw new S3Failure(404, 'NoSuchUpload', 'The specified upload does not exist.');
  }
}
