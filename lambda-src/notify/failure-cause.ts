/**
 * What failed, read from the orchestrator's Catch output: `Error` is the error code and `Cause`
 * either the Lambda's JSON error (`{ errorType, errorMessage, trace }`), the JSON description of
 * a failed child execution (whose own `cause` holds the Lambda's error), or a plain message.
 *
 * The message goes into the run summary and the email, which never hold record contents. That
 * holds because every Lambda error here is one of the pipeline's own handlers: their errors name
 * the file, line and reason, and a user's validator or enrichment function, whose message may quote
 * records, is only ever reported by its name and error type (`shared/batch-invoke.ts`).
 */
export interface FailureCause {
  readonly code: string;
  readonly message: string;
}

/** Longest message kept: a Cause can carry a stack trace or a long service message. */
const maxMessageLength = 1_000;

/** Codes that only say "a task failed": the error inside the Cause is more useful. */
const genericCodes = new Set(['States.TaskFailed', 'States.ALL', 'Error', 'Unknown']);

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

function truncate(message: string): string {
  return message.length <= maxMessageLength ? message : `${message.slice(0, maxMessageLength - 1)}…`;
}

function fromCause(code: string, cause: string | undefined, depth: number): FailureCause {
  const parsed = cause === undefined ? undefined : parseJson(cause);
  if (parsed === undefined || depth > 3) return { code, message: cause ?? code };
  // A Lambda error.
  const errorMessage = text(parsed.errorMessage);
  if (errorMessage !== undefined) {
    const errorType = text(parsed.errorType);
    return { code: genericCodes.has(code) && errorType ? errorType : code, message: errorMessage };
  }
  // A failed child execution (states:startExecution.sync) or another nested Error/Cause pair.
  const innerCode = text(parsed.error) ?? text(parsed.Error);
  const innerCause = text(parsed.cause) ?? text(parsed.Cause);
  if (innerCode !== undefined || innerCause !== undefined) {
    return fromCause(innerCode !== undefined && genericCodes.has(code) ? innerCode : code, innerCause, depth + 1);
  }
  return { code, message: cause! };
}

/** The failure's code and a readable message (naming file and line when the error did). */
export function parseFailure(error: { readonly Error?: string; readonly Cause?: string } | undefined): FailureCause {
  const code = text(error?.Error) ?? 'Unknown';
  const cause = fromCause(code, text(error?.Cause), 0);
  return { code: cause.code, message: truncate(cause.message) };
}
