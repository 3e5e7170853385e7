/**
 * archive-input: `ArchiveTask` (the orchestrator's state) → `ArchivedInput`. Copies the upload that
 * started the run under the archive prefix, once the run has merged its output; notify removes the
 * upload when it publishes. A copy past 5 GiB is a multipart copy (lambda-src/shared/object-copy.ts).
 */
import { ArchivedInput, archiveInput } from './archive/input-archive';
import { log } from './shared/logger';
import { ArchiveTask } from '../src/contract/execution-states';
import { ARCHIVE_INPUT_ENVIRONMENT } from '../src/contract/handler-environment';

export async function handler(task: ArchiveTask): Promise<ArchivedInput> {
  const { bucket, copyMultipartThreshold } = ARCHIVE_INPUT_ENVIRONMENT.decode(process.env);
  const input = { bucket: task.bucket, key: task.key, versionId: task.versionId };
  const archived = await archiveInput(input, { bucket, key: task.split.archiveKey }, { multipartThreshold: copyMultipartThreshold });
  log.info('input archived', { runId: task.runId, key: task.key, versionId: task.versionId, ...archived });
  return archived;
}
