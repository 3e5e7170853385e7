// bench/ is development tooling, left out of the npm package: it runs on devDependencies.
/**
 * What the S3 stand-in spends per request, the chunk files' traffic: rounds of 400 objects of 64 KiB, each put
 * then read back, 8 requests at once (as a run's chunk functions and merge do), against the local cloud's S3
 * (s3rver with its extensions and its store cache, `bench/bench-s3.ts`). Each round's wall time and the process's
 * CPU (the client here, s3rver and libuv's pool).
 *
 *   node --openssl-legacy-provider -r ts-node/register/transpile-only bench/s3-requests.ts [rounds]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { BENCH_BUCKET, startBenchS3 } from './bench-s3';

const OBJECTS = 400;
const AT_ONCE = 8;
const BODY = 'x'.repeat(64 * 1024);

async function main(rounds: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's3-requests-'));
  const s3 = await startBenchS3(dir, BENCH_BUCKET, 0);
  try {
    for (let round = 1; round <= rounds; round++) {
      const cpu = process.cpuUsage();
      const started = Date.now();
      let next = 0;
      await Promise.all(Array.from({ length: AT_ONCE }, async () => {
        while (next < OBJECTS) {
          const key = `round-${round}/chunk-${next++}.csv`;
          await s3.client.send(new PutObjectCommand({ Bucket: BENCH_BUCKET, Key: key, Body: BODY }));
          const answer = await s3.client.send(new GetObjectCommand({ Bucket: BENCH_BUCKET, Key: key }));
          if ((await answer.Body!.transformToString()).length !== BODY.length) throw new Error(`${key} came back short`);
        }
      }));
      const used = process.cpuUsage(cpu);
      process.stdout.write(`round ${round}: ${OBJECTS} puts and gets in ${Date.now() - started} ms, CPU ${Math.round((used.user + used.system) / 1000)} ms\n`);
    }
  } finally {
    await s3.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main(Number(process.argv[2] ?? 5)).then(() => process.exit(0), (err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
