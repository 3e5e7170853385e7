/**
 * Typed reads of the handlers' environment. Handlers call these when invoked, not at module
 * load, so a changed environment (tests, local runner) takes effect on the next call.
 */

export function requiredEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** A positive integer setting; `fallback` when unset. */
export function positiveIntEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`environment variable ${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return value;
}

/** `true`/`false` setting; `fallback` when unset. */
export function booleanEnv(name: string, fallback: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new Error(`environment variable ${name} must be true or false, got ${JSON.stringify(raw)}`);
}

/** One of `allowed` values; `fallback` when unset. */
export function oneOfEnv<T extends string>(name: string, allowed: readonly T[], fallback: T, env: NodeJS.ProcessEnv = process.env): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new Error(`environment variable ${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
}

/** The CSV delimiter (`DELIMITER`, default `,`). */
export function delimiterFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.DELIMITER || ',';
}

/** The bucket every handler works in. */
export function bucketFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return requiredEnv('BUCKET_NAME', env);
}
