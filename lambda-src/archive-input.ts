/**
 * archive-input: `ArchiveTask` (the orchestrator's state) → `ArchivedInput`. Copies the upload that
 * started the run under the archive prefix, once the run has merged its output; notify removes the
 * upload when it publishes. A copy past 5 GiB is a multipart copy (lambda-src/shared/object-copy.ts).
 */
import { ArchivedInput, archiveInput } from './archive/input-archive';
import { ArchiveTask } from './shared/contracts';
import { bucketFromEnv } from './shared/handler-env';
import { log } from './shared/logger';
import { copyOptionsFromEnv } from './shared/object-copy';

export async function handler(task: ArchiveTask): Promise<ArchivedInput> {
  const input = { bucket: task.bucket, key: task.key, versionId: task.versionId };
  const archived = await archiveInput(input, { bucket: bucketFromEnv(), key: task.split.archiveKey }, copyOptionsFromEnv());
  log.info('input archived', { runId: task.runId, key: task.key, versionId: task.versionId, ...archived });
  return archived;
}
