/**
 * `npm run local`: the local tool (`batch-file-processor local`, local/cli/local-command.ts) on the reference
 * example's app (examples/), with the example's own knobs (its financial data, delimiter, chunk size,
 * encoding) turned into the tool's table data and context, and paths taken from where npm run was typed.
 */
import * as path from 'node:path';
import { badUse, runCommand } from './command';
import { setUpLocalCommand } from './command-setup';
import { LOCAL_OPTIONS, runLocalCommand } from './local-command';
import { InputEncoding } from '../../src/batch-file-processor-props';

const COMMAND = 'npm run local --';
const EXAMPLE_APP = path.join(__dirname, '..', '..', 'examples');
/** The example's financial-data table, by construct path (examples/app.ts, examples/orders-stack.ts). */
const FINANCIALS_TABLE = 'OrdersPipeline/Financials';
/** Who the example emails about each run, locally. */
const EXAMPLE_EMAIL = ['-c', 'emailSender=pipeline@example.com', '-c', 'emailRecipients=ops@example.com'];
/** Both verified in the local SES, as the example's README has them verified in the account (unless given otherwise). */
const EXAMPLE_VERIFIED = ['--verified-identities', 'pipeline@example.com,ops@example.com'];

const USAGE = `usage: ${COMMAND} --input FILE [--lookup FILE] [--delimiter C] [--chunk-size N] [--encoding E] [--out DIR] [--json] `
  + '[--inject-faults s3=R,enrich=R,lambda=R,ddb=R] [--redrive] [--s3-latency-ms N] [any option of batch-file-processor local]';

const HELP = `${USAGE}

Runs the reference example (examples/app.ts) on this machine with batch-file-processor local: its synthesized
state machines and bundled handlers, against local stand-ins for S3, DynamoDB, SES, Lambda and Step Functions.
The example's own options:

  --lookup FILE              financial data (CSV with a uuid column) loaded into the example's financial-data table
  --delimiter C              the files' one-character delimiter, e.g. ';' or '|'; tab or \\t for a tab (default ,)
  --chunk-size N             records per chunk (default 1000)
  --encoding E               the input's encoding: ${Object.values(InputEncoding).join(', ')} (default utf-8)

and those of batch-file-processor local:
${LOCAL_OPTIONS}`;

/** The example's options turned into the tool's arguments, the others passed on as they are; or an error for bad use. */
export function exampleArguments(argv: readonly string[]): { args: string[] } | { help: true } | { error: string } {
  if (argv.includes('--help') || argv.includes('-h')) return { help: true };
  const args: string[] = [];
  const context: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!['--lookup', '--delimiter', '--chunk-size', '--encoding'].includes(arg)) {
      args.push(arg);
      continue;
    }
    if (i + 1 >= argv.length) return { error: `${arg} needs a value` };
    const value = argv[++i];
    if (arg === '--lookup') {
      args.push('--table-data', `${FINANCIALS_TABLE}=${value}`);
    } else if (arg === '--chunk-size') {
      const chunkSize = Number(value);
      if (!Number.isInteger(chunkSize) || chunkSize < 1) return { error: `--chunk-size must be a positive integer, got "${value}"` };
      context.push('-c', `chunkSize=${chunkSize}`);
    } else if (arg === '--delimiter') {
      const delimiter = value === '\\t' || value === 'tab' ? '\t' : value;
      if (delimiter.length !== 1) return { error: `--delimiter must be one character, got ${JSON.stringify(value)}` };
      context.push('-c', `delimiter=${delimiter}`);
    } else {
      const encodings = Object.values(InputEncoding) as string[];
      if (!encodings.includes(value)) return { error: `--encoding must be one of ${encodings.join(', ')}, got "${value}"` };
      context.push('-c', `encoding=${value}`);
    }
  }
  const verified = args.includes('--verified-identities') ? [] : EXAMPLE_VERIFIED;
  return { args: [...args, ...EXAMPLE_EMAIL, ...verified, ...context] };
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
