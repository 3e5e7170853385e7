/**
 * `npm run local`: the local tool (`batch-file-processor local`, local/cli/local-command.ts) on the reference
 * example's app (examples/), with the example's own knobs (its financial data, delimiter, chunk size,
 * encoding) turned into the tool's table data and context, and paths taken from where npm run was typed.
 */
import * as path from 'node:path';
import { badUse, runCommand } from './command';
import { setUpLocalCommand } from './command-setup';
import { localOptionsHelp, runLocalCommand } from './local-command';
import { LOCAL_OPTIONS } from './local-options';
import { asksForHelp, badValue, integerAtLeast, OptionTable, optionsHelp, takeOptions, usageLine } from './option-table';
import { InputEncoding } from '../../src/batch-file-processor-props';
import { HANDLER_DEFAULTS } from '../../src/contract/handler-environment';
import { UsageError } from '../shared/usage-error';

const COMMAND = 'npm run local --';
const EXAMPLE_APP = path.join(__dirname, '..', '..', 'examples');
/** The example's financial-data table, by construct path (examples/app.ts, examples/orders-stack.ts). */
const FINANCIALS_TABLE = 'OrdersPipeline/Financials';
/** Who the example emails about each run, locally: both verified in the local SES (unless given otherwise), as the example's README has them verified in the account. */
const EXAMPLE_SENDER = 'pipeline@example.com';
const EXAMPLE_RECIPIENT = 'ops@example.com';
const EXAMPLE_VERIFIED = `${EXAMPLE_SENDER},${EXAMPLE_RECIPIENT}`;

const ENCODINGS = Object.values(InputEncoding) as string[];

/** The example's own options, turned into the tool's: its table data and its app's context. */
const EXAMPLE_OPTIONS = {
  'lookup': { type: 'string', value: 'FILE', description: 'financial data (CSV with a uuid column) loaded into the example\'s financial-data table' },
  'delimiter': {
    type: 'string',
    value: 'C',
    description: 'the files\' one-character delimiter, e.g. \';\' or \'|\'; tab or \\t for a tab',
    default: HANDLER_DEFAULTS.delimiter,
    read: (text: string, flag: string) => {
      const delimiter = text === '\\t' || text === 'tab' ? '\t' : text;
      return delimiter.length === 1 ? delimiter : badValue(`${flag} must be one character, got ${JSON.stringify(text)}`);
    },
  },
  'chunk-size': { type: 'string', value: 'N', description: 'records per chunk', default: String(HANDLER_DEFAULTS.chunkSize), read: integerAtLeast(1) },
  'encoding': {
    type: 'string',
    value: 'E',
    description: `the input's encoding: ${ENCODINGS.join(', ')}`,
    default: HANDLER_DEFAULTS.encoding,
    read: (text: string, flag: string) => (ENCODINGS.includes(text) ? text : badValue(`${flag} must be one of ${ENCODINGS.join(', ')}, got "${text}"`)),
  },
} as const satisfies OptionTable;

const HELP = `usage: ${COMMAND} ${usageLine({ input: LOCAL_OPTIONS.input, ...EXAMPLE_OPTIONS })} [any other option of batch-file-processor local]

Runs the reference example (examples/app.ts) on this machine with batch-file-processor local: its synthesized
state machines and bundled handlers, against local stand-ins for S3, DynamoDB, SES, Lambda and Step Functions.
The example's own options:

${optionsHelp(EXAMPLE_OPTIONS)}

and those of batch-file-processor local:
${localOptionsHelp({ 'verified-identities': `${EXAMPLE_VERIFIED}, the example's sender and recipient` })}`;

/** The tool's arguments for the example's: the others passed on as they are. */
function toolArguments(argv: readonly string[]): string[] {
  const { values, rest } = takeOptions(EXAMPLE_OPTIONS, argv);
  const context = (key: string, value: string | number | undefined) => (value === undefined ? [] : ['-c', `${key}=${value}`]);
  return [
    // First, so that a --verified-identities given wins (the last one given does).
    '--verified-identities', EXAMPLE_VERIFIED,
    ...rest,
    ...values.lookup === undefined ? [] : ['--table-data', `${FINANCIALS_TABLE}=${values.lookup}`],
    '-c', `emailSender=${EXAMPLE_SENDER}`, '-c', `emailRecipients=${EXAMPLE_RECIPIENT}`,
    ...context('delimiter', values.delimiter),
    ...context('chunkSize', values['chunk-size']),
    ...context('encoding', values.encoding),
  ];
}

/** The example's options turned into the tool's arguments, the others passed on as they are; or an error for bad use. */
export function exampleArguments(argv: readonly string[]): { args: string[] } | { help: true } | { error: string } {
  if (asksForHelp(LOCAL_OPTIONS, argv)) return { help: true };
  try {
    return { args: toolArguments(argv) };
  } catch (error) {
    if (error instanceof UsageError) return { error: error.message };
    throw error;
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const parsed = exampleArguments(argv);
  if ('help' in parsed) {
    process.stdout.write(HELP);
    return 0;
  }
  if ('error' in parsed) return badUse(parsed.error, COMMAND);
  // npm runs scripts in the package's folder: paths are meant from where `npm run` was typed (INIT_CWD).
  return runLocalCommand(parsed.args, {
    command: COMMAND,
    filesFrom: process.env.INIT_CWD ?? process.cwd(),
    appDirectory: EXAMPLE_APP,
    beforeRun: setUpLocalCommand,
  });
}

if (require.main === module) runCommand(() => main(process.argv.slice(2)));
