/** Runs a command's main function and exits with its code. */
export function runCommand(run: () => Promise<number>): void {
  run().then(
    // Exit once stdout is flushed: the result is out, and nothing left running should hold the command.
    (code) => process.stdout.write('', () => process.exit(code)),
    // Exit here too: a stand-in that was already listening would otherwise keep the process alive.
    (err) => process.stderr.write(`local run failed to start: ${(err as Error).stack ?? err}\n`, () => process.exit(1)),
  );
}

/** Bad use: one line on stderr saying what is wrong and where the usage is; exit code 2. */
export function badUse(message: string, helpCommand: string): number {
  process.stderr.write(`${message} (${helpCommand} --help for the usage)\n`);
  return 2;
}
