import { Worker } from 'node:worker_threads';
import { workerExecArgv } from '../../../local/shared/worker-exec-argv';

describe('workerExecArgv', () => {
  test('keeps the profiling flags only: no preloads (ts-node), no per-process flags', () => {
    expect(workerExecArgv([
      '--openssl-legacy-provider', '-r', 'ts-node/register/transpile-only', '--cpu-prof', '--cpu-prof-dir', '/tmp/p', '--require=x', '--heap-prof-interval=8', '--max-old-space-size=100',
    ])).toEqual(['--cpu-prof', '--cpu-prof-dir', '/tmp/p', '--heap-prof-interval=8']);
  });

  test('a worker starts with what it keeps of a host\'s flags', async () => {
    const worker = new Worker('require("node:worker_threads").parentPort.postMessage(process.execArgv)', {
      eval: true, execArgv: workerExecArgv(['--openssl-legacy-provider', '-r', 'ts-node/register']),
    });
    const argv = await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
    await worker.terminate();
    expect(argv).toEqual([]);
  });
});
