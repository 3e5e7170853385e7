// local/ is development tooling, left out of the npm package: it runs on devDependencies.
/* eslint-disable import/no-extraneous-dependencies */
import * as fs from 'node:fs';

const scripts = new Map<string, string>();

/**
 * The JavaScript a worker thread runs, from a TypeScript module of local/ (`lambda-runtime.ts`,
 * `dynamodb-worker.ts`): written, type-checked, linted and tested like any module. A worker starts without
 * the host's TypeScript loader (plain node, as the Lambda runtime runs the bundles), so it runs JavaScript:
 * the built tool ships each module compiled beside it (`lambda-runtime.js`), and a source checkout turns the
 * TypeScript into CommonJS here, once.
 */
export function workerScript(file: string): string {
  let script = scripts.get(file);
  if (script === undefined) {
    const compiled = file.replace(/\.ts$/, '.js');
    script = fs.existsSync(compiled) ? fs.readFileSync(compiled, 'utf8') : compile(file);
    scripts.set(file, script);
  }
  return script;
}

function compile(file: string): string {
  // Only a source checkout compiles, where esbuild is installed: the built tool does not depend on it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { transformSync } = require('esbuild') as typeof import('esbuild');
  return transformSync(fs.readFileSync(file, 'utf8'), { loader: 'ts', format: 'cjs', platform: 'node', target: 'node20', sourcefile: file }).code;
}
