/**
 * Structured JSON logs, one object per line, for CloudWatch Logs Insights.
 * Callers pass counts, keys and ids only: record contents never go to the logs.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function enabled(level: Level): boolean {
  const configured = (process.env.LOG_LEVEL ?? 'info').toLowerCase() as Level;
  return order[level] >= (order[configured] ?? order.info);
}

function write(level: Level, message: string, fields: Record<string, unknown>): void {
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
