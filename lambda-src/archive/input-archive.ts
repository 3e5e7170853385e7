/**
 * Archiving the upload that started a run: a copy under the archive prefix, as it came (the given
 * version, its content headers, metadata and tags), in parts past CopyObject's 5 GiB.
 *
 * Idempotent, as every step of a run is (a retried or redriven ArchiveInput runs it again): a
 * second copy overwrites the first with the same bytes, and an input that is gone while its archive
 * is there counts as archived. notify removes the input only after this step, so that case means
 * the input was archived and then removed by someone else: failing would only make the run
 * unfinishable.
 *
 * The copy's error does not tell a missing input from a refused read: S3 answers a read of a missing
 * key 404 only to a caller allowed `s3:ListBucket` on the bucket, else 403
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, "Permissions"). So either
 * is followed by listing both keys (the role may list under the input and archive prefixes): only
 * an input that is not there with an archive that is counts as archived; anything else fails.
 */
import { CopiedObject, copyObject, ObjectCopyOptions } from '../shared/object-copy';
import { isMissingOrRefused, objectExists, ObjectRef } from '../shared/s3-objects';

export interface ArchivedInput {
  readonly archiveKey: string;
  /** How the copy was made, or `already-archived` when the input was gone and the archive there. */
  readonly method: CopiedObject['method'] | 'already-archived';
  readonly bytes?: number;
  readonly parts?: number;
}

export async function archiveInput(input: ObjectRef, archive: ObjectRef, options: ObjectCopyOptions = {}): Promise<ArchivedInput> {
  try {
    const copied = await copyObject(input, archive, options);
    return { archiveKey: archive.key, method: copied.method, bytes: copied.bytes, parts: copied.parts };
  } catch (error) {
    if (isMissingOrRefused(error) && !(await objectExists(input)) && await objectExists(archive)) {
      return { archiveKey: archive.key, method: 'already-archived' };
    }
    throw error;
  }
}
