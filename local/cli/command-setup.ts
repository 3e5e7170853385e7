import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root: this file is in `local/cli/`. */
const ROOT = path.join(__dirname, '..', '..');

function modified(file: string): number {
  return fs.statSync(file).mtimeMs;
}

/** The `.ts` files under `dir` (recursively), as paths. */
function typeScriptUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts')).map((file) => path.join(dir, file));
}

/**
 * Whether the bundles are missing or older than anything they are built from. Each
 * `lambda-src/<name>.ts` entry point has its bundle `assets/lambda-src/<name>/index.js`, and the
 * example's function (`examples/financials-api.ts`) has `assets/examples/financials-api/index.js`. They
 * are built from the sources under `lambda-src/`, the contract they share with the construct
 * (`src/contract/`), the example function's sources, the locked dependencies and the bundling options in
 * `.projenrc.ts` (not `.projen/tasks.json`, which every `npx projen` rewrites whether or not anything changed).
 */
export function bundlesAreStale(root: string = ROOT): boolean {
  const sources = path.join(root, 'lambda-src');
  const entries = fs.readdirSync(sources).filter((file) => file.endsWith('.ts'));
  const bundles = [
    ...entries.map((entry) => path.join(root, 'assets', 'lambda-src', path.basename(entry, '.ts'), 'index.js')),
    path.join(root, 'assets', 'examples', 'financials-api', 'index.js'),
  ];
  if (bundles.some((bundle) => !fs.existsSync(bundle))) return true;
  const inputs = [
    ...typeScriptUnder(sources),
    ...typeScriptUnder(path.join(root, 'src', 'contract')),
    ...typeScriptUnder(path.join(root, 'examples', 'financials')),
    ...['examples/financials-api.ts', 'package-lock.json', '.projenrc.ts'].map((file) => path.join(root, file)),
  ];
  const newestInput = Math.max(...inputs.filter((file) => fs.existsSync(file)).map(modified));
  return Math.min(...bundles.map(modified)) < newestInput;
}

/**
 * What `npm run local`, `demo` and `bench` do before their work, once their arguments are known good:
 * bundle the handlers if their sources changed since the last bundle (projen's `bundle` task, the esbuild
 * commands `.projenrc.ts` defines), printing nothing unless bundling fails. False when it failed, after
 * printing the bundler's output to stderr.
 */
export function setUpLocalCommand(root: string = ROOT): boolean {
  // The bundled handlers run here on this machine's Node 20 and on AWS on Node 22, where the AWS SDK's
  // Node-version deprecation warning never fires: keep it out of the commands' output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (!bundlesAreStale(root)) return true;
  const bundling = spawnSync(process.execPath, [require.resolve('projen/bin/projen'), 'bundle'], { cwd: root, encoding: 'utf8' });
  if (bundling.status === 0) return true;
  process.stderr.write(`bundling the handlers failed:\n${bundling.stdout ?? ''}${bundling.stderr ?? ''}${bundling.error?.message ?? ''}\n`);
  return false;
}
