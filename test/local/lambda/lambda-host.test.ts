import * as fs from 'node:fs';
import * as path from 'node:path';
import { LambdaHost } from '../../../local/lambda/lambda-host';
import { LocalFunction } from '../../../local/template/function-code';
import { ManualClock } from '../../support/manual-clock';
import { tempFolder } from '../../support/temp-folder';

// A bundle that answers after a short wait and reports which isolate ran it.
const BUNDLE = `
const isolate = Math.random().toString(36).slice(2);
exports.handler = async (event) => {
  await new Promise((resolve) => setTimeout(resolve, event.waitMs ?? 0));
  return { isolate, echo: event.value, accessKeyId: process.env.AWS_ACCESS_KEY_ID };
};
`;

describe('LambdaHost containers', () => {
  let dir: string;
  let fn: LocalFunction;
  let host: LambdaHost | undefined;

  beforeAll(() => {
    dir = tempFolder('lambda-host-test-');
    fs.writeFileSync(path.join(dir, 'index.js'), BUNDLE);
    fn = { name: 'fn', entry: path.join(dir, 'index.js'), handlerExport: 'handler', environment: {}, timeoutSeconds: 10, memoryMb: 128, architecture: 'x86_64' };
  });
  afterEach(async () => host?.close());
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const newHost = (options: Partial<ConstructorParameters<typeof LambdaHost>[1]>) =>
    new LambdaHost([fn], { baseEnvironment: {}, functionArn: (name) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`, ...options });

  test('starts no container before an invocation needs one', async () => {
    host = newHost({});
    expect(host.containers).toBe(0);
    await expect(host.invoke('fn', { value: 1 })).resolves.toMatchObject({ echo: 1 });
    expect(host.containers).toBe(1);
  }, 30_000);

  test('never runs more containers than the pool allows, and reuses warm ones', async () => {
    host = newHost({ maxContainersPerFunction: 2 });
    let peak = 0;
    const h = host;
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => h.invoke('fn', { value: i, waitMs: 50 }).then((r) => {
      peak = Math.max(peak, h.containers);
      return r as { isolate: string; echo: number };
    })));
    expect(results.map((r) => r.echo)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(peak).toBeLessThanOrEqual(2);
    expect(new Set(results.map((r) => r.isolate)).size).toBeLessThanOrEqual(2);
  }, 30_000);

  test('ends a container left idle, and the next invocation starts a new one', async () => {
    const clock = new ManualClock();
    host = newHost({ idleTimeoutMs: 200, now: clock.now, setIdleTimer: clock.setTimer });
    const first = (await host.invoke('fn', {})) as { isolate: string };
    expect(host.containers).toBe(1);
    clock.advance(200);
    expect(host.containers).toBe(0);
    const second = (await host.invoke('fn', {})) as { isolate: string };
    expect(second.isolate).not.toBe(first.isolate);
  }, 30_000);

  test('by default, a container idle for 2 s is ended: the chunk functions\' are gone while merge runs', async () => {
    const clock = new ManualClock();
    host = newHost({ now: clock.now, setIdleTimer: clock.setTimer });
    await host.invoke('fn', {});
    clock.advance(1_999);
    expect(host.containers).toBe(1);
    clock.advance(1);
    expect(host.containers).toBe(0);
  }, 30_000);

  test('a function signs with its own credentials when it has them, else with the shared ones', async () => {
    host = newHost({ baseEnvironment: { AWS_ACCESS_KEY_ID: 'SHARED', AWS_SECRET_ACCESS_KEY: 's' } });
    await expect(host.invoke('fn', {})).resolves.toMatchObject({ accessKeyId: 'SHARED' });
    await host.close();
    host = newHost({ baseEnvironment: { AWS_ACCESS_KEY_ID: 'SHARED' }, credentialsFor: (name) => ({ accessKeyId: `KEY-OF-${name}`, secretAccessKey: 's' }) });
    await expect(host.invoke('fn', {})).resolves.toMatchObject({ accessKeyId: 'KEY-OF-fn' });
  }, 30_000);

  test('at its container budget, a function that needs one ends the container idle the longest, never a busy or just-used one', async () => {
    const other = (name: string): LocalFunction => ({ ...fn, name });
    // Idle times are read from this clock: a container's start, however long on a loaded machine, takes none of it,
    // so "just used" stays just used. Idle containers are otherwise kept for the whole test: only the budget ends one.
    let now = 1_000_000;
    host = new LambdaHost([fn, other('a'), other('b')], {
      baseEnvironment: {},
      functionArn: (name) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
      maxContainers: 2,
      reclaimAfterIdleMs: 3_000,
      idleTimeoutMs: 60_000,
      now: () => now,
    });
    const h = host;
    const first = (await h.invoke('fn', {})) as { isolate: string };
    now += 3_200;
    await h.invoke('a', {});
    expect(h.containers).toBe(2);
    // b needs a container: fn's, idle past 3 s, is ended for it; a's, just used, is kept.
    await h.invoke('b', {});
    expect(h.containers).toBe(2);
    // Idle just under the 3 s it takes: a's and b's are not reclaimable.
    now += 2_999;
    const again = (await h.invoke('fn', {})) as { isolate: string };
    expect(again.isolate).not.toBe(first.isolate);
    // a and b were used within the 3 s: neither is taken, and one more starts rather than wait.
    expect(h.containers).toBe(3);
  }, 30_000);

  test('keeps a container that is used again before its idle time is up', async () => {
    const clock = new ManualClock();
    host = newHost({ idleTimeoutMs: 1_000, now: clock.now, setIdleTimer: clock.setTimer });
    const first = (await host.invoke('fn', {})) as { isolate: string };
    clock.advance(999);
    const second = (await host.invoke('fn', {})) as { isolate: string };
    expect(second.isolate).toBe(first.isolate);
  }, 30_000);
});
