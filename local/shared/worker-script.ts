// local/ is development tooling, left out of the npm package: it runs on devDependencies.
import * as fs from 'node:fs';

const scripts = new Map<string, string>();

/**
 * The JavaScript a worker thread runs, from a TypeScript module of local/ (`lambda-runtime.ts`,
 * `dynamodb-worker.ts`): written, type-checked, linted and tested like any module. A worker starts
 * without the host's TypeScript loader (plain node, as the Lambda runtime runs the bundles), so it
 * runs JavaScript: the built tool ships each module bundled beside it (`lambda-runtime.js`), and a
 * source checkout bundles the TypeScript into CommonJS here, once. The modules of local/ it imports
 * are bundled in (the dynalite thread runs the IAM engine); packages stay `require`s.
 */
export function workerScript(file: string): string {
  let script = scripts.get(file);
  if (script === undefined) {
    const compiled = file.replace(/\.ts$/, '.js');
    script = fs.existsSync(compiled) ? fs.readFileSync(compiled, 'utf8') : bundle(file);
    scripts.set(file, script);
  }
  return script;
}

function bundle(file: string): string {
  // Only a source checkout bundles, where esbuild is installed: the built tool does not depend on it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildSync } = require('esbuild') as typeof import('esbuild');
  const built = buildSync({ entryPoints: [file], bundle: true, packages: 'external', write: false, format: 'cjs', platform: 'node', target: 'node20' });
  return built.outputFiles[0].text;
}
