import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundlesAreStale } from '../../../local/cli/command-setup';
import { tempFolder } from '../../support/temp-folder';

// The local tools as the READMEs write them: `npm run local -- …`, `npm run bench -- …`, each argument
// given to npm as typed (no shell of ours in between: quoting is the user's shell's business).
const ROOT = path.join(__dirname, '..', '..', '..');
const work = tempFolder('npm-scripts-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function npmRun(script: string, args: string[]) {
  // npm sets INIT_CWD to where it was typed; an outer npm's must not stand in for ours.
  const env = { ...process.env };
  delete env.INIT_CWD;
  const run = spawnSync('npm', ['run', script, '--', ...args], { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  // npm echoes the script's name and command on stdout before it runs: the command's own output follows.
  const own = run.stdout.split('\n').filter((line) => !line.startsWith('> ') && line !== '');
  return { status: run.status, own, stderr: run.stderr };
}

describe('npm run local', () => {
  test('--help prints the usage and exits 0', () => {
    const run = npmRun('local', ['--help']);
    expect(run.status).toBe(0);
    expect(run.own[0]).toMatch(/^usage: npm run local -- --input FILE/);
    expect(run.own.join('\n')).toContain('Exit code: 0 every run succeeded, 1 a run failed (the summary is still printed), 2 bad use.');
    expect(run.stderr).toBe('');
  }, 60_000);

  test('a missing input file is bad use: exit 2 and one line naming it, with ; and a path with a space passed as typed', () => {
    const run = npmRun('local', ['--delimiter', ';', '--chunk-size', '5', '--input', '/nonexistent/my orders.csv']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('no such file: /nonexistent/my orders.csv (npm run local -- --help for the usage)\n');
    expect(run.own).toEqual([]);
  }, 60_000);

  test('--delimiter values with a pipe, a tab and a semicolon reach the CLI as typed', () => {
    const run = npmRun('local', ['--input', 'orders.csv', '--delimiter', '|\t;']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('--delimiter must be one character, got "|\\t;" (npm run local -- --help for the usage)\n');
  }, 60_000);

  test('a run with --delimiter ";" succeeds (exit 0) and prints only its own result: no bundling when the bundles are fresh', () => {
    // The test command bundles before the tests run; bundling here would rewrite the bundles other tests are running.
    expect(bundlesAreStale()).toBe(false);
    const input = path.join(work, 'my orders.csv');
    fs.writeFileSync(input, 'uuid;Country;Item Type;Sales Channel;Order Priority;Order Date;Region;Ship Date\n'
      + '535113847;Panama;Snacks;Online;C;1/2/14;Central America;1/9/14\n'
      + '123;Chad;Fruits;Offline;H;3/4/15;Sub-Saharan Africa;3/5/15\n');
    const run = npmRun('local', ['--input', input, '--delimiter', ';', '--chunk-size', '5', '--out', path.join(work, 'run'), '--json']);
    expect(run.stderr).toBe('');
    expect(run.own).toHaveLength(1);
    const result = JSON.parse(run.own[0]);
    expect(run.status).toBe(0);
    expect(result).toMatchObject({ status: 'SUCCEEDED', records: { total: 2, valid: 0, rejected: 2 }, chunks: 1 });
    // IAM is enforced by default, and nothing the example does is refused.
    expect(result.stats.accessDenied).toEqual([]);
    // Both rejected (one fails the schema, neither has financial data: no --lookup), in the input's own dialect.
    expect(fs.readFileSync(result.rejects, 'utf8').split('\n')[0]).toBe('line;uuid;Country;Item Type;Sales Channel;Order Priority;Order Date;Region;Ship Date;reasons');
  }, 120_000);
});

describe('npm run bench', () => {
  test('--help prints the usage and exits 0; bad use exits 2 with one line', () => {
    const help = npmRun('bench', ['--help']);
    expect(help.status).toBe(0);
    expect(help.own[0]).toBe('usage: npm run bench -- [--records N] [--baseline-records M] [--json]');
    const bad = npmRun('bench', ['--records', '0']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('--records must be a positive integer, got "0" (npm run bench -- --help for the usage)\n');
  }, 60_000);
});

describe('bundlesAreStale', () => {
  // What the bundles are built from: the handlers, the contract they share with the construct, the example's function.
  const INPUTS = ['lambda-src/notify.ts', 'lambda-src/notify/email.ts', 'lambda-src/trigger.ts', 'src/contract/handler-environment.ts',
    'examples/financials-api.ts', 'examples/financials/figures.ts', 'package-lock.json', '.projenrc.ts'];
  const BUNDLES = ['assets/lambda-src/notify/index.js', 'assets/lambda-src/trigger/index.js', 'assets/examples/financials-api/index.js'];
  function project(): string {
    const root = fs.mkdtempSync(path.join(work, 'project-'));
    for (const file of [...INPUTS, ...BUNDLES]) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), '');
    }
    const [sources, bundles] = [new Date('2026-01-01T00:00:00Z'), new Date('2026-01-02T00:00:00Z')];
    for (const file of INPUTS) fs.utimesSync(path.join(root, file), sources, sources);
    for (const file of BUNDLES) fs.utimesSync(path.join(root, file), bundles, bundles);
    return root;
  }
  const touch = (root: string, file: string) => fs.utimesSync(path.join(root, file), new Date('2026-01-03T00:00:00Z'), new Date('2026-01-03T00:00:00Z'));

  test('bundles newer than every input are fresh', () => {
    expect(bundlesAreStale(project())).toBe(false);
  });

  test.each(['lambda-src/notify/email.ts', 'lambda-src/trigger.ts', 'src/contract/handler-environment.ts', 'examples/financials/figures.ts',
    'package-lock.json', '.projenrc.ts'])('a changed %s makes them stale', (file) => {
    const root = project();
    touch(root, file);
    expect(bundlesAreStale(root)).toBe(true);
  });

  test('the example\'s function without its bundle makes them stale', () => {
    const root = project();
    fs.rmSync(path.join(root, 'assets', 'examples'), { recursive: true });
    expect(bundlesAreStale(root)).toBe(true);
  });

  test('a handler without a bundle makes them stale', () => {
    const root = project();
    fs.writeFileSync(path.join(root, 'lambda-src', 'merge-chunks.ts'), '');
    fs.utimesSync(path.join(root, 'lambda-src', 'merge-chunks.ts'), new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
    expect(bundlesAreStale(root)).toBe(true);
  });
});
