import { main as exampleMain } from '../../../local/cli/cli';
import { runLocalCommand } from '../../../local/cli/local-command';
import { LOCAL_OPTIONS } from '../../../local/cli/local-options';
import { asksForHelp, integerAtLeast, OptionTable, optionsHelp, parseOptions, takeOptions, usageLine } from '../../../local/cli/option-table';
import { UsageError } from '../../../local/shared/usage-error';

const TABLE = {
  'name': { type: 'string', value: 'NAME', required: true, description: 'who' },
  'tag': { type: 'string', short: 't', value: 'TAG', multiple: true, description: 'a tag' },
  'count': { type: 'string', value: 'N', description: 'how many', default: '1', read: integerAtLeast(1) },
  'dry-run': { type: 'boolean', description: 'do nothing' },
  'help': { type: 'boolean', short: 'h', description: 'print this help' },
} as const satisfies OptionTable;

/** The UsageError message `read` throws. */
function badUse(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('no UsageError');
}

describe('parseOptions', () => {
  test('reads each option as the table declares it: a repeated one as a list in order, the others\' last value, a flag true', () => {
    expect(parseOptions(TABLE, ['--name', 'a', '-t', 'x', '--tag=y', '-tz', '--count', '3', '--name=b', '--dry-run'])).toEqual({
      'name': 'b', 'tag': ['x', 'y', 'z'], 'count': 3, 'dry-run': true, 'help': false,
    });
  });

  test('what is not given: a flag false, a repeatable option an empty list, the others undefined', () => {
    expect(parseOptions(TABLE, ['--name', 'a'])).toEqual({ 'name': 'a', 'tag': [], 'count': undefined, 'dry-run': false, 'help': false });
  });

  test.each([
    ['a required option left out', [], /^--name is required$/],
    ['an unknown option', ['--name', 'a', '--bogus'], /^Unknown option '--bogus'$/],
    ['an unknown short option', ['--name', 'a', '-x'], /^Unknown option '-x'$/],
    ['a missing value', ['--name'], /^Option '--name <value>' argument missing$/],
    ['a missing value of a short option', ['--name', 'a', '-t'], /^Option '-t, --tag <value>' argument missing$/],
    ['an option where a value belongs', ['--name', '--dry-run'], /^Option '--name' argument is ambiguous\. .*'--name=-XYZ'\.$/],
    ['a value given to a flag', ['--name', 'a', '--dry-run=yes'], /^Option '--dry-run' does not take an argument$/],
    ['an argument that is no option\'s', ['--name', 'a', 'stray'], /^Unexpected argument 'stray'/],
    ['a value its reader refuses, named as typed', ['--name', 'a', '--count', '0'], /^--count must be a positive integer, got "0"$/],
  ])('%s is bad use, one line', (_what, argv, message) => {
    const text = badUse(() => parseOptions(TABLE, argv));
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });

  test('a required repeatable option is given once or more', () => {
    const table = { input: { type: 'string', value: 'FILE', required: true, multiple: true, description: 'what to read' } } as const satisfies OptionTable;
    expect(parseOptions(table, ['--input', 'a', '--input', 'b'])).toEqual({ input: ['a', 'b'] });
    expect(badUse(() => parseOptions(table, []))).toBe('--input is required');
    expect(usageLine(table)).toBe('--input FILE...');
  });

  test('a table parseArgs refuses is the program\'s error, not bad use', () => {
    const parse = () => parseOptions({ bad: { type: 'boolean', short: 'xy', description: '' } }, []);
    expect(parse).toThrow(/'options\.bad\.short' must be a single character/);
    expect(parse).not.toThrow(UsageError);
  });
});

describe('takeOptions', () => {
  test('reads the table\'s options and leaves the others, in order', () => {
    expect(takeOptions(TABLE, ['--other', 'v', '--count', '2', '-o', '--constructor', '--name=n', '--x=1', '--', '--count'])).toEqual({
      values: { 'name': 'n', 'tag': [], 'count': 2, 'dry-run': false, 'help': false },
      rest: ['--other', 'v', '-o', '--constructor', '--x=1', '--', '--count'],
    });
  });

  test.each([
    ['a missing value', ['--name', 'a', '--count'], /^--count needs a value$/],
    ['a value given to a flag', ['--name', 'a', '--dry-run=yes'], /^--dry-run takes no value$/],
    ['a value its reader refuses', ['--name', 'a', '--count=x'], /^--count must be a positive integer, got "x"$/],
  ])('%s is bad use', (_what, argv, message) => {
    expect(badUse(() => takeOptions(TABLE, argv))).toMatch(message);
  });
});

test('asksForHelp: the help option anywhere, long or short, but not as another option\'s value', () => {
  expect(asksForHelp(TABLE, ['--bogus', '-h'])).toBe(true);
  expect(asksForHelp(TABLE, ['--name', 'a', '--help', 'stray'])).toBe(true);
  expect(asksForHelp(TABLE, ['--name', '-h'])).toBe(false);
  expect(asksForHelp(TABLE, ['--name', 'a'])).toBe(false);
});

test('usageLine: required options bare, the others in brackets, repeatable ones with ..., the short form where there is one, no help', () => {
  expect(usageLine(TABLE)).toBe('--name NAME [-t TAG]... [--count N] [--dry-run]');
});

test('optionsHelp: a line an option, required, repeatable and the default noted, a caller\'s default over the table\'s', () => {
  expect(optionsHelp(TABLE).split('\n')).toEqual([
    '  --name NAME                who (required)',
    '  -t, --tag TAG              a tag (repeatable)',
    '  --count N                  how many (default: 1)',
    '  --dry-run                  do nothing',
    '  -h, --help                 print this help',
  ]);
  expect(optionsHelp(TABLE, { count: '5' })).toContain('how many (default: 5)');
  const long = optionsHelp({ wordy: { type: 'boolean', description: 'word '.repeat(40).trim() } }).split('\n');
  expect(long.length).toBeGreaterThan(1);
  for (const line of long) expect(line.length).toBeLessThanOrEqual(118);
  expect(long.slice(1).every((line) => line.startsWith(`${' '.repeat(29)}word`))).toBe(true);
});

describe('the help of batch-file-processor local and npm run local', () => {
  async function printed(run: () => Promise<number>): Promise<string> {
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await run()).toBe(0);
      return stdout.mock.calls.map(([text]) => String(text)).join('');
    } finally {
      stdout.mockRestore();
    }
  }

  test('--help lists every option of the table, with its value, description and default', async () => {
    const help = await printed(() => runLocalCommand(['--help'], { command: 'batch-file-processor local', filesFrom: '.' }));
    expect(help).toMatch(/^usage: batch-file-processor local --input FILE\|DIR\.\.\. \[--app COMMAND\|DIR\] \[-c KEY=VALUE\]\.\.\. .* \[--no-ses-sandbox\]\n/);
    const unwrapped = help.replace(/\n {29}/g, ' ');
    for (const [name, option] of Object.entries(LOCAL_OPTIONS) as Array<[string, { value?: string; description: string; default?: string }]>) {
      expect(unwrapped).toContain(`--${name}${option.value ? ` ${option.value}` : ''}`);
      expect(unwrapped).toContain(option.description);
      if (option.default) expect(unwrapped).toContain(`default: ${option.default}`);
    }
    expect(unwrapped).toContain('-c, --context KEY=VALUE');
    expect(unwrapped).toContain('(default: none)');
    expect(help).toContain('Exit code: 0 every run succeeded, 1 a run failed (the summary is still printed), 2 bad use.');
  });

  test('npm run local --help lists the example\'s options, with their real defaults, then the tool\'s, with the example\'s verified identities', async () => {
    const help = (await printed(() => exampleMain(['--help']))).replace(/\n {29}/g, ' ');
    expect(help).toMatch(/^usage: npm run local -- --input FILE\|DIR\.\.\. \[--lookup FILE\] \[--delimiter C\] \[--chunk-size N\] \[--encoding E\] /);
    expect(help).toContain('--delimiter C              the files\' one-character delimiter, e.g. \';\' or \'|\'; tab or \\t for a tab (default: ,)');
    expect(help).toContain('records per chunk (default: 1000)');
    expect(help).toContain('(default: utf-8)');
    expect(help).toContain('beyond the app\'s AWS::SES::EmailIdentity resources (default: pipeline@example.com,ops@example.com, the example\'s sender and recipient)');
    for (const name of Object.keys(LOCAL_OPTIONS)) expect(help).toContain(`--${name}`);
  });
});
