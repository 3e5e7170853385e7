/**
 * What a run left behind, read back out of the local cloud: its published files (copied out to a
 * folder), the keys left in the bucket and its items in the rejected-records table.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { PublishedFiles } from '../../src/contract/run-layout';
import { RunSummary } from '../../src/contract/run-payloads';

/** One item of the rejected-records table, as stored. */
export interface RejectedRecordItem {
  readonly line: number;
  readonly chunk: number;
  readonly fields: string[];
  readonly reasons: string[];
}

/** A run's published files, as local paths (null where nothing was published), and its summary. */
export interface CollectedRun {
  readonly output: string | null;
  readonly rejects: string | null;
  readonly summaryFile: string | null;
  readonly summary: Partial<RunSummary>;
}

/** Streams an object to a file; false when there is no such object. */
async function downloadObject(s3: S3Client, bucket: string, key: string, file: string): Promise<boolean> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    await pipeline(out.Body as Readable, fs.createWriteStream(file));
    return true;
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return false;
    throw error;
  }
}

/** Copies a run's output, rejects and summary out of the bucket into `dir`. */
export async function collectRun(
  s3: S3Client, bucket: string, outputPrefix: string, runId: string, inputKey: string, dir: string,
): Promise<CollectedRun> {
  const layout = new PublishedFiles(outputPrefix, runId, inputKey);
  fs.mkdirSync(dir, { recursive: true });
  const copyOut = async (key: string) => {
    const file = path.join(dir, path.basename(key));
    return (await downloadObject(s3, bucket, key, file)) ? file : null;
  };
  const output = await copyOut(layout.outputKey);
  const rejects = await copyOut(layout.rejectsKey);
  const summaryFile = await copyOut(layout.summaryKey);
  const summary: Partial<RunSummary> = summaryFile ? JSON.parse(fs.readFileSync(summaryFile, 'utf8')) : {};
  return { output, rejects, summaryFile, summary };
}

/** Every key in the bucket. */
export async function bucketKeys(s3: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((object) => object.Key!));
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

/** A run's items in the rejected-records table, in line order, page by page. */
async function* rejectedRecordItems(dynamodb: DynamoDBClient, table: string, runId: string): AsyncGenerator<RejectedRecordItem> {
  let start: Record<string, any> | undefined;
  do {
    const page = await dynamodb.send(new QueryCommand({
      TableName: table, KeyConditionExpression: 'runId = :runId', ExpressionAttributeValues: { ':runId': { S: runId } }, ExclusiveStartKey: start,
    }));
    for (const item of page.Items ?? []) {
      yield {
        line: Number(item.line.N),
        chunk: Number(item.chunk.N),
        fields: (item.fields.L ?? []).map((value) => value.S ?? ''),
        reasons: (item.reasons.L ?? []).map((value) => value.S ?? ''),
      };
    }
    start = page.LastEvaluatedKey;
  } while (start);
}

/** A run's items in the rejected-records table, in line order. */
export async function rejectedRecordsOf(dynamodb: DynamoDBClient, table: string, runId: string): Promise<RejectedRecordItem[]> {
  const items: RejectedRecordItem[] = [];
  for await (const item of rejectedRecordItems(dynamodb, table, runId)) items.push(item);
  return items;
}

/**
 * Writes a run's items in the rejected-records table to `file`, one JSON object per line in line order,
 * as they are read; returns the file, or null when the run has none (and no file is written).
 */
export async function exportRejectedRecords(dynamodb: DynamoDBClient, table: string, runId: string, file: string): Promise<string | null> {
  let out: fs.WriteStream | undefined;
  for await (const item of rejectedRecordItems(dynamodb, table, runId)) {
    out ??= fs.createWriteStream(file);
    if (!out.write(`${JSON.stringify(item)}\n`)) await new Promise<void>((resolve) => out!.once('drain', () => resolve()));
  }
  if (!out) return null;
  await new Promise((resolve, reject) => out!.end((error?: Error | null) => (error ? reject(error) : resolve(undefined))));
  return file;
}
