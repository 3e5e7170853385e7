// local/ is development tooling, left out of the npm package: it runs on devDependencies.
/* eslint-disable import/no-extraneous-dependencies */
import * as fs from 'node:fs';
import { transformSync } from 'esbuild';

const scripts = new Map<string, string>();

/**
 * The JavaScript a worker thread runs, from a TypeScript module of local/ (`lambda-runtime.ts`,
 * `dynamodb-worker.ts`): written, type-checked, linted and tested like any module, and turned into
 * plain CommonJS here once, because a worker starts without the host's TypeScript loader (plain
 * node, as the Lambda runtime runs the bundles).
 */
export function workerScript(file: string): string {
  let script = scripts.get(file);
  if (script === undefined) {
    script = transformSync(fs.readFileSync(file, 'utf8'), { loader: 'ts', format: 'cjs', platform: 'node', target: 'node20', sourcefile: file }).code;
    scripts.set(file, script);
  }
  return script;
}
