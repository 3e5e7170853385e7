import { main, parseArguments } from '../../../local/cli/cli';
import { generateSampleOrders } from '../../../local/samples/sample-orders';
import { parseFaultPlan } from '../../../local/stand-ins/fault-injection';
import { InputEncoding } from '../../../src';

describe('parseArguments', () => {
  test('reads the documented options', () => {
    expect(parseArguments(['--input', 'a.csv', '--lookup', 'f.csv', '--delimiter', ';', '--chunk-size', '600', '--out', 'o', '--json']))
      .toEqual({
        input: 'a.csv',
        lookup: 'f.csv',
        delimiter: ';',
        chunkSize: 600,
        outDir: 'o',
        faults: undefined,
        redrive: false,
        json: true,
        iam: true,
        verifiedEmailIdentities: undefined,
        sesSandbox: true,
      });
    expect(parseArguments(['--input', 'a.csv', '--inject-faults', 'enrich=1', '--redrive'])).toMatchObject({ faults: { enrich: 1 }, redrive: true });
    expect(parseArguments(['--input', 'a.csv', '--delimiter', '\\t'])).toMatchObject({ delimiter: '\t', json: false });
    expect(parseArguments(['--input', 'a.csv', '--encoding', 'windows-1252'])).toMatchObject({ encoding: InputEncoding.WINDOWS_1252 });
    expect(parseArguments(['--input', 'a.csv', '--s3-latency-ms', '50'])).toMatchObject({ s3LatencyMs: 50 });
  });

  test('IAM is enforced and SES is a sandbox unless turned off; verified identities are a comma-separated list', () => {
    expect(parseArguments(['--input', 'a.csv', '--no-iam', '--no-ses-sandbox'])).toMatchObject({ iam: false, sesSandbox: false });
    expect(parseArguments(['--input', 'a.csv', '--verified-identities', 'a@x.com, example.org']))
      .toMatchObject({ iam: true, sesSandbox: true, verifiedEmailIdentities: ['a@x.com', 'example.org'] });
  });

  test('--help (or -h) anywhere asks for the help, whatever else is given', () => {
    expect(parseArguments(['--help'])).toEqual({ help: true });
    expect(parseArguments(['--input', 'a.csv', '-h', '--bogus'])).toEqual({ help: true });
  });

  test.each([
    [[], /--input is required/],
    [['--input'], /needs a value/],
    [['--input', 'a', '--chunk-size', '0'], /positive integer/],
    [['--input', 'a', '--delimiter', ';;'], /one character/],
    [['--input', 'a', '--bogus'], /unknown argument/],
    [['--input', 'a', '--inject-faults', 'disk=0.1'], /unknown fault kind/],
    [['--input', 'a', '--s3-latency-ms', '-5'], /--s3-latency-ms must be a non-negative integer/],
    [['--input', 'a', '--encoding', 'cp1252'], /--encoding must be one of utf-8, windows-1252, iso-8859-1, utf-16le, utf-16be/],
    [['--input', 'a', '--verified-identities', 'ops@'], /--verified-identities must list email addresses or domains/],
    [['--input', 'a', '--verified-identities', ','], /--verified-identities must list email addresses or domains/],
  ])('bad use %j is an error', (argv, message) => {
    const parsed = parseArguments(argv as string[]);
    expect('error' in parsed && parsed.error).toMatch(message);
  });
});

test('fault plans', () => {
  expect(parseFaultPlan('s3=0.05,enrich=0.2,lambda=0.02')).toEqual({ s3: 0.05, enrich: 0.2, lambda: 0.02 });
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
  test('a missing input file is bad use (exit 2), reported before anything starts', async () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await expect(main(['--input', '/nonexistent/orders.csv'])).resolves.toBe(2);
      expect(String(stderr.mock.calls[0][0])).toMatch(/no such file: \/nonexistent\/orders\.csv/);
    } finally {
      stderr.mockRestore();
    }
  });
});
