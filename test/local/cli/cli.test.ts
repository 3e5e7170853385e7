import * as fs from 'node:fs';
import * as path from 'node:path';
import { exampleArguments, main } from '../../../local/cli/cli';
import { parseLocalArguments } from '../../../local/cli/local-command';
import { generateSampleOrders } from '../../../local/samples/sample-orders';
import { parseFaultPlan } from '../../../local/stand-ins/fault-injection';
import { tempFolder } from '../../support/temp-folder';

describe('parseLocalArguments (batch-file-processor local)', () => {
  test('reads the documented options, --input, -c and --table-data repeatable', () => {
    expect(parseLocalArguments([
      '--input', 'a.csv', '--app', 'node app.js', '-c', 'stage=dev', '--context', 'url=https://x/?a=b', '--processor', 'Stack/Orders',
      '--table-data', 'Stack/Customers=customers.csv', '--table-data', 'Stack/Rates=rates.jsonl', '--endpoint-data', 'e.csv',
      '--out', 'o', '--json', '--inject-faults', 'enrich=1', '--redrive', '--s3-latency-ms', '50', '--input', 'inputs/', '--lambda-concurrency', '1',
    ])).toEqual({
      inputs: ['a.csv', 'inputs/'],
      app: 'node app.js',
      context: { stage: 'dev', url: 'https://x/?a=b' },
      processor: 'Stack/Orders',
      tableData: [{ path: 'Stack/Customers', file: 'customers.csv' }, { path: 'Stack/Rates', file: 'rates.jsonl' }],
      endpointData: 'e.csv',
      outDir: 'o',
      json: true,
      faults: { enrich: 1 },
      redrive: true,
      s3LatencyMs: 50,
      lambdaConcurrency: 1,
      iam: true,
      sesSandbox: true,
      verifiedEmailIdentities: undefined,
    });
    expect(parseLocalArguments(['--input', 'a.csv'])).toMatchObject({ inputs: ['a.csv'], context: {}, tableData: [], json: false, redrive: false, lambdaConcurrency: undefined });
  });

  test('IAM is enforced and SES is a sandbox unless turned off; verified identities are a comma-separated list', () => {
    expect(parseLocalArguments(['--input', 'a.csv', '--no-iam', '--no-ses-sandbox'])).toMatchObject({ iam: false, sesSandbox: false });
    expect(parseLocalArguments(['--input', 'a.csv', '--verified-identities', 'a@x.com, example.org']))
      .toMatchObject({ iam: true, sesSandbox: true, verifiedEmailIdentities: ['a@x.com', 'example.org'] });
  });

  test('--help (or -h) anywhere asks for the help, whatever else is given', () => {
    expect(parseLocalArguments(['--help'])).toEqual({ help: true });
    expect(parseLocalArguments(['--input', 'a.csv', '-h', '--bogus'])).toEqual({ help: true });
  });

  test('the options may be given as --name=value, -c repeated, the last of a single one wins', () => {
    expect(parseLocalArguments(['--input=a.csv', '-c', 'a=1', '--context=b=2', '-cc=3', '--out', 'o1', '--out', 'o2', '--s3-latency-ms=0']))
      .toMatchObject({ inputs: ['a.csv'], context: { a: '1', b: '2', c: '3' }, outDir: 'o2', s3LatencyMs: 0 });
    expect(parseLocalArguments(['--input=a.csv', '--input', 'b.csv.gz', '--input=c/', '--lambda-concurrency=1000']))
      .toMatchObject({ inputs: ['a.csv', 'b.csv.gz', 'c/'], lambdaConcurrency: 1000 });
  });

  test.each([
    [[], /^--input is required$/],
    [['--input'], /^Option '--input <value>' argument missing$/],
    [['--input', 'a', '-c'], /^Option '-c, --context <value>' argument missing$/],
    [['--input', '--json'], /^Option '--input' argument is ambiguous\. .*'--input=-XYZ'/],
    [['--input', 'a', '--bogus'], /^Unknown option '--bogus'$/],
    [['--input', 'a', '-x'], /^Unknown option '-x'$/],
    [['--input', 'a', '--delimiter', ';'], /^Unknown option '--delimiter'$/],
    [['--input', 'a', '--json=yes'], /^Option '--json' does not take an argument$/],
    [['--input', 'a', 'b.csv'], /^Unexpected argument 'b\.csv'/],
    [['--input', 'a', '-c', 'novalue'], /^-c needs KEY=VALUE, got "novalue"$/],
    [['--input', 'a', '--context', '=value'], /^--context needs KEY=VALUE, got "=value"$/],
    [['--input', 'a', '--table-data', 'Stack/Table'], /^--table-data needs PATH=FILE/],
    [['--input', 'a', '--inject-faults', 'disk=0.1'], /^--inject-faults: unknown fault kind "disk"/],
    [['--input', 'a', '--s3-latency-ms', '1.5'], /^--s3-latency-ms must be a non-negative integer, got "1\.5"$/],
    [['--input', 'a', '--s3-latency-ms=-5'], /^--s3-latency-ms must be a non-negative integer, got "-5"$/],
    [['--input', 'a', '--lambda-concurrency', '0'], /^--lambda-concurrency must be a positive integer, got "0"$/],
    [['--input', 'a', '--lambda-concurrency', '2.5'], /^--lambda-concurrency must be a positive integer, got "2\.5"$/],
    [['--input', 'a', '--input'], /^Option '--input <value>' argument missing$/],
    [['--input', 'a', '--verified-identities', 'not an address'], /^--verified-identities must list email addresses or domains/],
    [['--input', 'a', '--verified-identities', ' , '], /^--verified-identities must list email addresses or domains/],
  ])('bad use %j is an error', (argv, message) => {
    const parsed = parseLocalArguments(argv as string[]);
    expect('error' in parsed && parsed.error).toMatch(message);
  });
});

describe('exampleArguments (npm run local)', () => {
  // The example's sender and recipient: verified in the local SES first, so that a --verified-identities given wins.
  const VERIFIED = ['--verified-identities', 'pipeline@example.com,ops@example.com'];
  const EMAIL = ['-c', 'emailSender=pipeline@example.com', '-c', 'emailRecipients=ops@example.com'];

  test('the example\'s options become table data and context; the tool\'s pass on as given', () => {
    expect(exampleArguments(['--input', 'a.csv', '--lookup', 'f.csv', '--delimiter', ';', '--chunk-size', '600', '--encoding', 'windows-1252', '--json']))
      .toEqual({ args: [...VERIFIED, '--input', 'a.csv', '--json', '--table-data', 'OrdersPipeline/Financials=f.csv', ...EMAIL, '-c', 'delimiter=;', '-c', 'chunkSize=600', '-c', 'encoding=windows-1252'] });
    expect(exampleArguments(['--input', 'a.csv', '--delimiter', '\\t'])).toEqual({ args: [...VERIFIED, '--input', 'a.csv', ...EMAIL, '-c', 'delimiter=\t'] });
    expect(exampleArguments(['--input', 'a.csv', '--delimiter=tab', '--out', 'o'])).toEqual({ args: [...VERIFIED, '--input', 'a.csv', '--out', 'o', ...EMAIL, '-c', 'delimiter=\t'] });
    expect(exampleArguments(['--input', 'a.csv', '--verified-identities', 'x@y.org'])).toEqual({ args: [...VERIFIED, '--input', 'a.csv', '--verified-identities', 'x@y.org', ...EMAIL] });
    expect(parseLocalArguments((exampleArguments(['--input', 'a.csv', '--verified-identities', 'x@y.org']) as { args: string[] }).args))
      .toMatchObject({ verifiedEmailIdentities: ['x@y.org'] });
  });

  test('the tool\'s own options and their values pass on untouched, in order, however they are written', () => {
    const tool = ['--input', 'a.csv', '-c', 'k=v', '-cx=y', '--table-data=S/T=t.csv', '--no-iam', '--', 'extra'];
    expect(exampleArguments([...tool.slice(0, 4), '--lookup=f.csv', ...tool.slice(4)]))
      .toEqual({ args: [...VERIFIED, ...tool, '--table-data', 'OrdersPipeline/Financials=f.csv', ...EMAIL] });
  });

  test('--help (or -h) anywhere asks for the help', () => {
    expect(exampleArguments(['--chunk-size', '0', '-h'])).toEqual({ help: true });
  });

  test.each([
    [['--input', 'a', '--chunk-size', '0'], /positive integer/],
    [['--input', 'a', '--delimiter', ';;'], /one character/],
    [['--input', 'a', '--encoding', 'cp1252'], /--encoding must be one of utf-8, windows-1252, iso-8859-1, utf-16le, utf-16be/],
    [['--input', 'a', '--lookup'], /^--lookup needs a value$/],
  ])('bad use %j is an error', (argv, message) => {
    const parsed = exampleArguments(argv as string[]);
    expect('error' in parsed && parsed.error).toMatch(message);
  });
});

test('fault plans', () => {
  expect(parseFaultPlan('s3=0.05,enrich=0.2,lambda=0.02,ddb=0.5')).toEqual({ s3: 0.05, enrich: 0.2, lambda: 0.02, ddb: 0.5 });
  expect(() => parseFaultPlan('s3=2')).toThrow(/between 0 and 1/);
});

describe('generateSampleOrders', () => {
  test('is deterministic by seed', () => {
    expect(generateSampleOrders({ records: 300, seed: 4 })).toEqual(generateSampleOrders({ records: 300, seed: 4 }));
    expect(generateSampleOrders({ records: 300, seed: 4 }).ordersCsv).not.toBe(generateSampleOrders({ records: 300, seed: 5 }).ordersCsv);
  });

  test('marks its invalid rows and the orders without financial data', () => {
    const sample = generateSampleOrders({ records: 100, seed: 1, invalidEvery: 10, missingFinancialsEvery: 15 });
    const lines = sample.ordersCsv.trimEnd().split('\n');
    expect(lines).toHaveLength(101);
    expect(lines[0]).toBe('uuid,Country,Item Type,Sales Channel,Order Priority,Order Date,Region,Ship Date');
    expect(sample.invalidLines).toEqual([11, 21, 31, 41, 51, 61, 71, 81, 91, 101]);
    for (const line of sample.invalidLines) expect(lines[line - 1].split(',')).toHaveLength(7);
    const financialUuids = sample.financialsCsv.trimEnd().split('\n').slice(1).map((l) => l.split(',')[0]);
    // Every 15th order lacks figures (15, 45, 75), except where it is invalid anyway (30, 60, 90).
    expect(sample.uuidsWithoutFinancials).toHaveLength(3);
    for (const uuid of sample.uuidsWithoutFinancials) expect(financialUuids).not.toContain(uuid);
    expect(financialUuids).toHaveLength(100 - 3);
  });
});

describe('main', () => {
  /** `npm run local` in this process: its exit code and the first line on stderr. */
  async function mainHere(argv: string[]) {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      return { status: await main(argv), stderr: String(stderr.mock.calls[0]?.[0] ?? '') };
    } finally {
      stderr.mockRestore();
    }
  }

  test('a missing input file is bad use (exit 2), reported before anything starts', async () => {
    const run = await mainHere(['--input', '/nonexistent/orders.csv']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/no such file: \/nonexistent\/orders\.csv/);
  });

  test('a folder without input files, among other inputs, is bad use (exit 2), before the app is synthesized', async () => {
    const empty = tempFolder('no-inputs-');
    try {
      fs.writeFileSync(path.join(empty, 'notes.txt'), 'not an input');
      const run = await mainHere(['--input', path.join(__dirname, 'user-app', 'cdk.json'), '--input', empty]);
      expect(run.status).toBe(2);
      expect(run.stderr).toBe(`--input ${empty}: a folder without .csv or .csv.gz files (npm run local -- --help for the usage)\n`);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
