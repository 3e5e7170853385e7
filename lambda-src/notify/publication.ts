/**
 * Publishing a run's output is the last thing a run does: merge-chunks staged the output and the
 * rejects under the run's work prefix, and they are copied under the output prefix only when
 * everything else succeeded. A run that fails afterwards has them removed again, so nothing of a
 * failed run stays published, and a redrive of the last step publishes them anew from the
 * staged copies. Every operation here may be repeated.
 */
import { MergeResult } from '../../src/contract/run-payloads';
import { log } from '../shared/logger';
import { copyObject, ObjectCopyOptions } from '../shared/object-copy';
import { deleteObject, objectExists } from '../shared/s3-objects';

async function copyWithin(bucket: string, from: string, to: string, options: ObjectCopyOptions): Promise<void> {
  // Past 5 GiB in parts. The staged files carry no tags: copying none keeps tagging permissions out of it.
  const copied = await copyObject({ bucket, key: from }, { bucket, key: to }, { ...options, copyTags: false });
  log.info('published', { key: to, method: copied.method, bytes: copied.bytes, parts: copied.parts });
}

/** Copies the staged rejects, then the staged output, to their published keys. */
export async function publishRun(bucket: string, merge: MergeResult, options: ObjectCopyOptions = {}): Promise<void> {
  await copyWithin(bucket, merge.stagedRejectsKey, merge.rejectsKey, options);
  await copyWithin(bucket, merge.stagedOutputKey, merge.outputKey, options);
}

/** Removes whatever of the run's output is published (listed first: no delete marker for a file never published). */
export async function unpublishRun(bucket: string, keys: readonly string[], runId: string): Promise<void> {
  for (const key of keys) {
    if (await objectExists({ bucket, key })) {
      await deleteObject({ bucket, key });
      log.info('removed the published file of a failed run', { runId, key });
    }
  }
}

/**
 * Removes the uploaded input once the run has archived it and published its output. Without a
 * HEAD first: notify may delete inputs but not read them, and a delete of a key already gone
 * succeeds (in a versioned bucket it adds one more delete marker).
 */
export async function removeInput(bucket: string, key: string): Promise<void> {
  await deleteObject({ bucket, key });
}
