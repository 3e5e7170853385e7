/**
 * An error with the name AWS gives it (`ValidationException`, `States.Runtime`, `S3.NoSuchKey`…): what the local
 * services throw so that callers, Catchers and retriers match on `name` as they would on AWS. `extra` adds fields a
 * caller reads (e.g. the engine's `isCatchable`).
 */
export function namedError<Extra extends object = {}>(name: string, message: string, extra?: Extra): Error & Extra {
  return Object.assign(new Error(message), { name }, extra);
}
