// bench/ is development tooling, left out of the npm package: it runs on devDependencies.
/* eslint-disable import/no-extraneous-dependencies */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Throughput } from './raw-csv';
import { splitRecords } from '../lambda-src/split/split-records';
import { utf8Input } from '../lambda-src/split/utf8-input';
import { LOCAL_CREDENTIALS, startStandIns } from '../local/stand-ins/stand-ins';

export interface SplitMeasurementOptions {
  readonly inputFile: string;
  readonly chunkSize: number;
  /** S3's first-byte latency to model, in ms (`--s3-latency-ms`). */
  readonly s3LatencyMs: number;
  /** Chunk uploads in flight at once. @default split's default */
  readonly writeConcurrency?: number;
}

export interface SplitMeasurement extends Throughput {
  readonly chunks: number;
  readonly s3LatencyMs: number;
}

const BUCKET = 'split-bench';

/**
 * split-input's pipeline over one file against the local S3 stand-in with its latency model: the
 * upload is read with GetObject, decoded and cut into chunks that are written with PutObject as
 * split-input writes them (its manifest and run plan, two small writes, are left out). Only the
 * split is timed, not starting the stand-in or uploading the input.
 */
export async function measureSplit(options: SplitMeasurementOptions): Promise<SplitMeasurement> {
  const standIns = await startStandIns({ s3LatencyMs: options.s3LatencyMs });
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: standIns.s3Endpoint,
    credentials: LOCAL_CREDENTIALS,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  try {
    const key = `input/${path.basename(options.inputFile)}`;
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await s3.send(new PutObjectCommand({
      Bucket: BUCKET, Key: key, Body: fs.createReadStream(options.inputFile), ContentLength: fs.statSync(options.inputFile).size,
    }));

    const started = process.hrtime.bigint();
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const outcome = await splitRecords(
      utf8Input(object.Body as Readable, 'utf-8'),
      { file: path.basename(key), delimiter: ',', chunkSize: options.chunkSize, writeConcurrency: options.writeConcurrency },
      async (chunk) => {
        const chunkKey = `runs/bench/chunks/${String(chunk.index).padStart(5, '0')}.csv`;
        await s3.send(new PutObjectCommand({
          Bucket: BUCKET, Key: chunkKey, Body: chunk.body, ContentLength: chunk.body.length, ContentType: 'text/csv; charset=utf-8',
        }));
        return chunkKey;
      },
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const { records, chunks } = outcome;
    return { records, chunks: chunks.length, seconds, recordsPerSec: records / seconds, s3LatencyMs: options.s3LatencyMs };
  } finally {
    s3.destroy();
    await standIns.close();
  }
}
