import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runLocalCommand } from '../../../local/cli/local-command';
import { expectedRun, expectPublished } from '../../support/expected-run';
import { tempFolder } from '../../support/temp-folder';

// `batch-file-processor local` on a user's app (./user-app: two processors, an inline validator, a NodejsFunction
// validator, a table enricher, an HTTP endpoint outside the app), as a user runs it: in the app's folder, the app
// synthesized from its cdk.json, or from a cloud assembly the cdk CLI synthesized.
const ROOT = path.join(__dirname, '..', '..', '..');
const APP = path.join(__dirname, 'user-app');
const work = tempFolder('bfp-local-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const input = path.join(work, 'orders.csv');
fs.writeFileSync(input, 'uuid,Country,Amount\nc1,Panama,10\nc2,Chad,abc\nc3,Peru\nc4,Fiji,7.5\nc5,"Oman, North",3\nc6,Laos,0.5\nc7,Mali,x1\nc8,Cuba,4,extra\n');
const CUSTOMERS: Record<string, string[]> = { c1: ['retail', '7'], c2: ['wholesale', '3'], c5: ['retail', '9'], c6: ['public', '5'], c7: ['retail', '1'] };
const customers = path.join(work, 'customers.csv');
fs.writeFileSync(customers, ['uuid,segment,score', ...Object.entries(CUSTOMERS).map(([uuid, values]) => [uuid, ...values].join(','))].join('\n'));
const enrichment = (missingReason: (record: Record<string, string>) => string) => ({
  columns: ['segment', 'score'], values: (record: Record<string, string>) => CUSTOMERS[record.uuid], missingReason,
});

/** The command, run in `cwd` as `npx batch-file-processor local …` runs it. */
function local(args: string[], cwd = APP) {
  const run = spawnSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), path.join(ROOT, 'local', 'cli', 'batch-file-processor.ts'), 'local', ...args], {
    cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.dev.json') },
  });
  const lastLine = run.stderr.trimEnd().split('\n').pop() ?? '';
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, lastLine };
}

/** A cloud assembly of the app, synthesized by the cdk CLI itself (offline): what `--app DIR` takes. */
let cdkOut: string;
beforeAll(() => {
  cdkOut = path.join(work, 'cdk.out');
  const synth = spawnSync('npx', ['cdk', 'synth', '--quiet', '--no-notices', '-o', cdkOut], {
    cwd: APP, encoding: 'utf8', env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
  });
  expect(synth.status).toBe(0);
}, 120_000);

test('the processor chosen by --processor, its table loaded with --table-data: output, rejects and table as the input says', () => {
  const out = path.join(work, 'orders-run');
  const run = local(['--input', input, '--processor', 'Pipelines/Orders', '--table-data', `Pipelines/Customers=${customers}`, '--out', out, '--json']);
  expect(run.status).toBe(0);
  const result = JSON.parse(run.stdout.trim().split('\n').pop()!);
  expect(result).toMatchObject({ processor: 'Pipelines/Orders', status: 'SUCCEEDED', chunks: 3, records: { total: 8, valid: 3, rejected: 5 } });
  expectPublished(result, expectedRun(input, {
    validate: (record) => (/^\d+(\.\d+)?$/.test(record.Amount) ? [] : ['Amount is not a number']),
    enrich: enrichment((record) => `no enrichment data for uuid=${record.uuid}`),
  }));
}, 180_000);

test('a cloud assembly synthesized by the cdk CLI (--app DIR): a NodejsFunction validator with its environment, an endpoint answered by --endpoint-data', () => {
  const out = path.join(work, 'returns-run');
  const run = local(['--app', cdkOut, '--input', input, '--processor', 'Pipelines/Returns', '--endpoint-data', customers, '--out', out, '--json'], work);
  expect(run.status).toBe(0);
  const result = JSON.parse(run.stdout.trim().split('\n').pop()!);
  expect(result).toMatchObject({ processor: 'Pipelines/Returns', status: 'SUCCEEDED', chunks: 4 });
  // The validator's MINIMUM_AMOUNT is 1 (cdk.json's context): 0.5 is rejected.
  expectPublished(result, expectedRun(input, {
    validate: (record) => {
      if (!/^\d+(\.\d+)?$/.test(record.Amount)) return ['Amount is not a number'];
      return Number(record.Amount) >= 1 ? [] : ['Amount is below 1'];
    },
    enrich: enrichment((record) => `no enrichment data for uuid=${record.uuid}`),
  }));
}, 180_000);

describe('bad use: exit 2, one line, nothing started', () => {
  /** Nothing ran: no output folder, nothing on stdout. */
  function expectBadUse(run: { status: number | null; stdout: string; lastLine: string }, out: string, message: RegExp) {
    expect(run.status).toBe(2);
    expect(run.lastLine).toMatch(message);
    expect(run.lastLine).toMatch(/\(batch-file-processor local --help for the usage\)$/);
    expect(run.stdout).toBe('');
    expect(fs.existsSync(out)).toBe(false);
  }
  const out = path.join(work, 'never');

  test('no cdk.json and no --app', () => {
    const empty = fs.mkdtempSync(path.join(work, 'not-an-app-'));
    const run = local(['--input', input, '--out', out], empty);
    expectBadUse(run, out, new RegExp(`^no --app, and no cdk.json with an "app" in ${empty}`));
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  }, 60_000);

  test('an app that fails to synthesize: its error shown, then the line naming it', () => {
    const run = local(['--input', input, '-c', 'fail=synth', '--out', out]);
    expectBadUse(run, out, /^the app failed to synthesize \(node -r ts-node\/register\/transpile-only app\.ts, exit code 1\): Error: this app does not synthesize with fail=synth/);
    // The app's own report (its stack trace) comes first, as cdk synth shows it.
    expect(run.stderr).toMatch(/app\.ts:\d+/);
  }, 120_000);

  test('a function in another runtime, named with its runtime and what to do', () => {
    const run = local(['--input', input, '-c', 'validatorRuntime=python', '--processor', 'Pipelines/Orders', '--out', out]);
    expectBadUse(run, out, /^function Pipelines\/OrderValidator \(OrderValidator\w+\) runs python3\.12: the local cloud runs Node\.js functions .*give it a Node\.js implementation/);
  }, 120_000);

  /** The command in this process (as the bin runs it, without the process's start-up): its exit code and what it printed. */
  async function localHere(args: string[]) {
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const status = await runLocalCommand(args, { command: 'batch-file-processor local', filesFrom: work });
      const printed = (spy: jest.SpyInstance) => spy.mock.calls.map(([text]) => String(text)).join('');
      return { status, stdout: printed(stdout), stderr: printed(stderr), lastLine: printed(stderr).trimEnd().split('\n').pop() ?? '' };
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
  }

  test.each([
    ['two processors and no --processor', [], /^the app has 2 processors: choose one with --processor \(Pipelines\/Orders, Pipelines\/Returns\)/],
    ['an unknown processor path', ['--processor', 'Pipelines/Refunds'], /^no processor at Pipelines\/Refunds \(processors found: Pipelines\/Orders, Pipelines\/Returns\)/],
    ['--table-data for a table that does not exist', ['--processor', 'Pipelines/Orders', '--table-data', 'Pipelines/Suppliers=customers.csv'],
      /^--table-data Pipelines\/Suppliers: no table at this path in stack Pipelines \(tables: Pipelines\/Customers, Pipelines\/Orders\/RejectedRecords, Pipelines\/Orders\/RunQueue, Pipelines\/Returns\/RejectedRecords, Pipelines\/Returns\/RunQueue\)/],
    ['--table-data that does not parse', ['--processor', 'Pipelines/Orders', '--table-data', 'Pipelines/Customers=broken.csv'], /broken\.csv line 3: 2 fields, but the header has 3/],
    ['--endpoint-data for a processor without an endpoint outside the app', ['--processor', 'Pipelines/Orders', '--endpoint-data', 'customers.csv'],
      /^--endpoint-data \S+customers\.csv: Pipelines\/Orders has no HTTP endpoint enricher with a URL outside the app to answer/],
  ])('%s', async (_name, args, message) => {
    fs.writeFileSync(path.join(work, 'broken.csv'), 'uuid,segment,score\nc1,retail,7\nc2,wholesale\n');
    expectBadUse(await localHere(['--app', cdkOut, '--input', input, '--out', out, ...args as string[]]), out, message);
  }, 60_000);
});
