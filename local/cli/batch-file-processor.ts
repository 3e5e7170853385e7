/**
 * The `batch-file-processor` command (the bin of cdk-batch-file-processor-local):
 *
 *   batch-file-processor local --input FILE [options]   run a processor of the CDK app in this folder locally
 */
import { spawnSync } from 'node:child_process';
import { badUse, runCommand } from './command';
import { LOCAL_USAGE, localOptionsHelp, runLocalCommand } from './local-command';

const COMMAND = 'batch-file-processor';

/**
 * s3rver's list continuation tokens use DES, which Node 20 offers only with --openssl-legacy-provider: a
 * process started without it starts itself again with it (the bin's shebang cannot carry a flag everywhere).
 */
function needsLegacyProvider(): boolean {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return !flags.includes('--openssl-legacy-provider');
}

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(`usage: ${COMMAND} local ${LOCAL_USAGE}\n\nRuns a BatchFileProcessor of the CDK app in this folder on this machine: the app synthesized as cdk synth\n`
      + `would, its state machines and its functions (Node.js) against local stand-ins for S3, DynamoDB, SES,\nLambda and Step Functions.\n${localOptionsHelp()}`);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'local') return badUse(`unknown command ${command}: the command is local`, COMMAND);
  return runLocalCommand(rest, { command: `${COMMAND} local`, filesFrom: process.cwd() });
}

if (require.main === module) {
  // The construct's handlers run here on this machine's Node.js and on AWS on Node.js 22, where the AWS SDK's
  // Node-version deprecation warning never fires: keep it out of the command's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (needsLegacyProvider()) {
    const child = spawnSync(process.execPath, ['--openssl-legacy-provider', ...process.execArgv, __filename, ...process.argv.slice(2)], { stdio: 'inherit' });
    process.exit(child.status ?? 1);
  }
  runCommand(() => main(process.argv.slice(2)));
}
