/**
 * The failure records the chunk processor wrote under the run's chunk failures prefix (one object
 * per failed chunk: body the Cause, metadata `error` the code), read back to tell which chunks
 * failed and why. Listed page by page: a run may have more than the 1,000 keys one
 * ListObjectsV2 call returns, and the keys sort as text, not by chunk number.
 */
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ChunkFailure, explainMapFailure, failedChunkIndexes } from './chunk-failures';
import { FailureCause, parseFailure } from './failure-cause';
import { WorkFiles } from '../../src/contract/run-layout';
import { ChunkRef } from '../../src/contract/run-payloads';
import { s3Client } from '../shared/aws-clients';
import { log } from '../shared/logger';
import { readJson } from '../shared/s3-objects';

/** Failed chunks whose errors are read and named in the summary and the email. */
const NAMED_CHUNK_FAILURES = 3;

/** Every key under `prefix`, across as many ListObjectsV2 pages as there are. */
export async function listKeys(bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3Client().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys;
}

/**
 * A Map that gave up on its chunks says only that: the failed chunks' own errors are read from
 * the records the chunk processor wrote. Reading them must not stop the failure from being
 * reported, so any error here keeps the Map's failure as it was.
 */
export async function explainedByChunkFailures(bucket: string, work: WorkFiles, failure: FailureCause): Promise<FailureCause> {
  try {
    const prefix = work.chunkFailuresPrefix;
    const indexes = failedChunkIndexes(await listKeys(bucket, prefix), prefix);
    if (indexes.length === 0) return failure;
    const manifest = await readJson<ChunkRef[]>({ bucket, key: work.manifestKey }).catch(() => [] as ChunkRef[]);
    const failures: ChunkFailure[] = await Promise.all(indexes.slice(0, NAMED_CHUNK_FAILURES).map(async (chunk) => {
      const record = await s3Client().send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}${chunk}` }));
      const cause = parseFailure({ Error: record.Metadata?.error, Cause: await record.Body?.transformToString('utf8') });
      return { chunk, firstLine: manifest[chunk]?.firstLine, cause };
    }));
    return explainMapFailure(failure, failures, indexes.length);
  } catch (error) {
    log.warn('chunk failure records not read', { runId: work.runId, error: (error as Error).name });
    return failure;
  }
}
