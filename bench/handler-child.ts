/**
 * One invocation of a bundled handler (`assets/lambda-src/<name>/index.js`, what Lambda runs) in a
 * process of its own, its event read from a file and its environment given by the parent. Prints
 * one JSON line: the handler's result, its wall time, and the process's peak RSS.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface HandlerChildReport {
  readonly result: unknown;
  /** From calling the handler to its result (loading the bundle excluded, as a warm Lambda would). */
  readonly seconds: number;
  /** CPU time (user + system) of the process meanwhile, in seconds. */
  readonly cpuSeconds: number;
  /** process.resourceUsage().maxRSS, in kilobytes: the bundle, the handler's work and its buffers. */
  readonly maxRssKb: number;
}

async function main(name: string, eventFile: string): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { handler } = require(path.join(__dirname, '..', 'assets', 'lambda-src', name, 'index.js'));
  const event = JSON.parse(fs.readFileSync(eventFile, 'utf8'));
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const result = await handler(event);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { user, system } = process.cpuUsage(cpu);
  const report: HandlerChildReport = { result, seconds, cpuSeconds: (user + system) / 1e6, maxRssKb: process.resourceUsage().maxRSS };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

if (require.main === module) {
  main(process.argv[2], process.argv[3]).then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`handler failed: ${(err as Error).stack ?? err}\n`);
      process.exit(1);
    },
  );
}
