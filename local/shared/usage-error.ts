/**
 * A problem with what the user asked for or gave (an app that does not synthesize, a processor or
 * table path that does not exist, a file that does not parse, a function the local cloud cannot run),
 * found before anything starts. The command prints its message as one line and exits 2.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
