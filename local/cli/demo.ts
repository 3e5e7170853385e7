import * as path from 'node:path';
import { main } from './cli';
import { runCommand } from './command';
import { writeSampleOrders } from '../samples/sample-orders';

/**
 * `npm run demo`: generates 10,000 orders (a few invalid, a few without financial data) into
 * `.local-runs/demo/` and runs them through the local runner, as `npm run local` would.
 */
async function demo(): Promise<number> {
  const dir = path.resolve('.local-runs', 'demo');
  const sample = writeSampleOrders(dir, { records: 10_000, seed: 2024 });
  process.stdout.write(`Generated ${sample.ordersFile} (10,000 orders: ${sample.invalidLines.length} invalid, `
    + `${sample.uuidsWithoutFinancials.length} without financial data) and ${sample.financialsFile}\n`);
  return main(['--input', sample.ordersFile, '--lookup', sample.financialsFile, '--chunk-size', '1000', '--out', path.join(dir, 'run')]);
}

runCommand(demo);
