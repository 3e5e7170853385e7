import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { writeSampleOrders } from './sample-orders';

/**
 * `npm run demo`: generates 10,000 orders (a few invalid, a few without financial data) into
 * `.local-runs/demo/` and runs them through the local runner.
 */
function demo(): number {
  const dir = path.resolve('.local-runs', 'demo');
  const sample = writeSampleOrders(dir, { records: 10_000, seed: 2024 });
  process.stdout.write(`Generated ${sample.ordersFile} (10,000 orders: ${sample.invalidLines.length} invalid, `
    + `${sample.uuidsWithoutFinancials.length} without financial data) and ${sample.financialsFile}\n`);
  // s3rver's list continuation tokens use DES, which Node 20 only offers with the legacy OpenSSL provider:
  // run the CLI in a node started with it (the demo task itself runs plain ts-node).
  const cli = spawnSync(process.execPath, [
    '--openssl-legacy-provider', '-r', 'ts-node/register/transpile-only', path.join(__dirname, 'cli.ts'),
    '--input', sample.ordersFile, '--lookup', sample.financialsFile, '--chunk-size', '1000', '--out', path.join(dir, 'run'),
  ], { stdio: 'inherit' });
  return cli.status ?? 1;
}

process.exitCode = demo();
