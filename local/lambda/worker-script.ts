// local/ is development tooling, left out of the npm package: it runs on devDependencies.
/* eslint-disable import/no-extraneous-dependencies */
import { buildSync } from 'esbuild';

const scripts = new Map<string, string>();

/**
 * The JavaScript a worker thread runs, from a TypeScript module of local/ (`lambda-runtime.ts`,
 * `dynamodb-worker.ts`): written, type-checked, linted and tested like any module, and turned into
 * plain CommonJS here once, because a worker starts without the host's TypeScript loader (plain
 * node, as the Lambda runtime runs the bundles). The modules of local/ it imports are bundled in
 * (the dynalite thread runs the IAM engine); packages stay `require`s, resolved from the project.
 */
export function workerScript(file: string): string {
  let script = scripts.get(file);
  if (script === undefined) {
    const built = buildSync({ entryPoints: [file], bundle: true, packages: 'external', write: false, format: 'cjs', platform: 'node', target: 'node20' });
    script = built.outputFiles[0].text;
    scripts.set(file, script);
  }
  return script;
}
