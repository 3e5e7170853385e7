import * as fs from 'node:fs';

/** The aws-cdk-lib these tests run against: the devDependency (the floor), or the newest under jest-newest.config.js. */
export const CDK_VERSION: string = JSON.parse(fs.readFileSync(require.resolve('aws-cdk-lib/package.json'), 'utf8')).version;

/** The feature flags `cdk init` writes into a new app's cdk.json, as this aws-cdk-lib recommends them. */
export const RECOMMENDED_FLAGS: Readonly<Record<string, unknown>> = JSON.parse(fs.readFileSync(require.resolve('aws-cdk-lib/recommended-feature-flags.json'), 'utf8'));

/** The two kinds of app: one made by `cdk init` (the recommended flags) and an older one (no flags set). */
export const FLAG_SETTINGS: ReadonlyArray<readonly [string, Readonly<Record<string, unknown>>]> = [
  ['the recommended feature flags', RECOMMENDED_FLAGS],
  ['no feature flags', {}],
];
