// bench/ is development tooling, left out of the npm package: it runs on devDependencies.
/**
 * What enforcing IAM costs a local run: the example on the same sample, with IAM enforced and off,
 * alternately, `ROUNDS` times (the first round warms the machine's caches). Prints one JSON line per
 * run. `node --openssl-legacy-provider -r ts-node/register/transpile-only bench/iam-overhead.ts [RECORDS]`
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runLocally } from '../local/run/runner';
import { writeSampleOrders } from '../local/samples/sample-orders';

const ROUNDS = 3;

async function main(records: number): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-iam-'));
  try {
    const sample = writeSampleOrders(path.join(work, 'data'), { records, seed: 3 });
    for (let round = 1; round <= ROUNDS; round++) {
      for (const iam of [true, false]) {
        const run = await runLocally({ input: sample.ordersFile, lookup: sample.financialsFile, outDir: path.join(work, `${round}-${iam}`), iam });
        process.stdout.write(`${JSON.stringify({
          round, iam, status: run.status, runSeconds: run.phasesMs.run / 1000, records: run.records, accessDenied: run.stats.accessDenied.length,
        })}\n`);
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

void main(Number(process.argv[2] ?? 20_000));
