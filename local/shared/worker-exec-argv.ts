const PROFILING = /^--(cpu|heap)-prof(-dir|-name|-interval)?(=|$)/;
const TAKES_VALUE = /^--(cpu|heap)-prof-(dir|name|interval)$/;

/**
 * The node flags a worker thread gets from its host: the profiling ones only. A worker otherwise
 * inherits the host's `execArgv`, so under `-r ts-node/register` each one would load TypeScript's
 * compiler (0.2–0.7 s of CPU and tens of MB per thread) for code that is plain JavaScript (the
 * bundles, the stand-ins) and that a Lambda runtime never has; and a worker given per-process flags
 * (`--openssl-legacy-provider`) explicitly refuses to start. `--cpu-prof` and `--heap-prof` carry over.
 */
export function workerExecArgv(hostArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < hostArgv.length; i++) {
    if (!PROFILING.test(hostArgv[i])) continue;
    kept.push(hostArgv[i]);
    if (TAKES_VALUE.test(hostArgv[i]) && i + 1 < hostArgv.length) kept.push(hostArgv[++i]);
  }
  return kept;
}
