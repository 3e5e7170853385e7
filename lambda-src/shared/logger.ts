/**
 * Structured JSON logs, one object per line, for CloudWatch Logs Insights.
 * Callers pass counts, keys and ids only: record contents never go to the logs.
 */
import { LOG_LEVEL, LogLevel } from '../../src/contract/handler-environment';

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Read on every line, not once: a changed environment (tests, local runs) takes effect at once. */
function enabled(level: LogLevel): boolean {
  return order[level] >= order[LOG_LEVEL.decode(process.env)];
}

function write(level: LogLevel, message: string, fields: Record<string, unknown>): void {
  if (!enabled(level)) return;
  const line = JSON.stringify({ level, time: new Date().toISOString(), message, ...fields });
  (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(line + '\n');
}

export const log = {
  debug: (message: string, fields: Record<string, unknown> = {}) => write('debug', message, fields),
  info: (message: string, fields: Record<string, unknown> = {}) => write('info', message, fields),
  warn: (message: string, fields: Record<string, unknown> = {}) => write('warn', message, fields),
  error: (message: string, fields: Record<string, unknown> = {}) => write('error', message, fields),
};
