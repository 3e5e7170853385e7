import { awscdk, javascript } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';
import { importZones } from './projenrc/import-layers';
import { HANDLER_NAMES } from './src/contract/handler-environment';

/** The devDependency alias of the newest aws-cdk-lib (test/compat/jest-newest.config.js maps `aws-cdk-lib` to it). */
const NEWEST_CDK = 'aws-cdk-lib-newest';

const project = new awscdk.AwsCdkConstructLibrary({
  author: 'cdk-batch-file-processor contributors',
  authorAddress: 'maintainers@example.com',
  // The floor of the supported range: the oldest aws-cdk-lib whose templates AWS still deploys. Before 2.215.0,
  // the bucket-notifications handler that the S3 trigger brings in runs python3.11, whose creation Lambda
  // disabled on 2026-07-31 (cfn-lint E2533). test/compat/ lints every configuration on this floor and on the newest.
  cdkVersion: '2.215.0',
  defaultReleaseBranch: 'main',
  jsiiVersion: '~6.0.0',
  name: 'cdk-batch-file-processor',
  description: 'An AWS CDK construct that validates, enriches and merges CSV files dropped into S3, chunk by chunk, with Step Functions.',
  keywords: ['cdk', 'aws-cdk', 'step-functions', 'distributed-map', 'csv', 'batch', 's3'],
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  repositoryUrl: 'https://github.com/example/cdk-batch-file-processor.git',
  // Every jsii language: the release workflow publishes to PyPI, Maven Central, NuGet and the Go module repo besides npm.
  publishToPypi: { distName: 'cdk-batch-file-processor', module: 'cdk_batch_file_processor' },
  publishToMaven: { mavenGroupId: 'io.github.example', mavenArtifactId: 'cdk-batch-file-processor', javaPackage: 'io.github.example.cdk.batchfileprocessor' },
  publishToNuget: { packageId: 'Example.CdkBatchFileProcessor', dotNetNamespace: 'Example.CdkBatchFileProcessor' },
  publishToGo: { moduleName: 'github.com/example/cdk-batch-file-processor-go', packageName: 'cdkbatchfileprocessor' },
  minNodeVersion: '20.0.0',
  // One dev tsconfig at the root, for everything that is type-checked but not compiled by jsii (tests, handlers,
  // local tools, benchmarks, the example, the projenrc): the pre-compile check, jest and eslint all use it.
  tsconfigDevFile: 'tsconfig.dev.json',
  // eslint's project service would look for each file's nearest tsconfig.json (one per folder); name the one project instead.
  eslintOptions: { dirs: ['src'], devdirs: ['test'], fileExtensions: ['.ts'], tsconfigPath: './tsconfig.dev.json', projectService: false },
  // Snapshot tests must be able to fail: never rewrite them during `test`.
  jestOptions: {
    updateSnapshot: UpdateSnapshot.NEVER,
    jestConfig: {
      testTimeout: 120_000,
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      coverageProvider: 'v8',
    },
  },
  // The handlers are bundled by esbuild; everything they import is a build-time dependency.
  devDeps: [
    '@types/node@^20',
    '@types/aws-lambda',
    '@aws-sdk/client-s3',
    '@aws-sdk/lib-storage',
    '@aws-sdk/s3-request-presigner',
    '@aws-sdk/client-dynamodb',
    '@aws-sdk/client-sesv2',
    '@aws-sdk/client-sfn',
    '@aws-sdk/client-lambda',
    '@aws-sdk/client-eventbridge',
    '@aws-sdk/util-dynamodb',
    '@aws-sdk/credential-provider-node',
    '@smithy/signature-v4',
    '@smithy/protocol-http',
    '@smithy/core',
    'ajv@^8',
    'aws-sdk-client-mock',
    'cdk-nag@^2.38',
    'aws-cdk@^2',
    'csv-parse',
    // Property tests of the CSV scanner against csv-parse (MIT).
    'fast-check',
    'csv-stringify',
    'iconv-lite',
    'aws-local-stepfunctions@3.0.0',
    's3rver@3.7.1',
    'dynalite@4.0.0',
    'aws-ses-v2-local@2.10.2',
    'asl-validator@4.0.0',
    // The newest aws-cdk-lib, pinned and raised on purpose: test/compat/ runs against it as well as the floor.
    `${NEWEST_CDK}@npm:aws-cdk-lib@2.278.0`,
    // The deployed integration test (test/integ/, docs/integration-test.md), both Apache-2.0 and pinned: the alpha's
    // peer range must accept the floor above (2.214.0-alpha.0 is the newest whose `^2.214.0` does; raise it with
    // cdkVersion), and integ-runner's recommended feature flags, which the snapshot is synthesized with, change
    // between its versions.
    '@aws-cdk/integ-tests-alpha@2.214.0-alpha.0',
    '@aws-cdk/integ-runner@2.197.10',
  ],
  gitignore: ['/cdk.out', '/examples/cdk.out', '/.local-runs', '/bench-results'],
});

// Handlers: one entry point each under lambda-src/, bundled into assets/lambda-src/<name>/index.js. The list is the
// contract's (src/contract/handler-environment.ts), which the construct and the handlers use too.
// The example's own function (examples/financials-api.ts) is bundled too, into assets/examples/financials-api/,
// which the package does not ship (below): only the construct's handlers go to npm.
for (const entrypoint of [...HANDLER_NAMES.map((handler) => `lambda-src/${handler}.ts`), 'examples/financials-api.ts']) {
  project.bundler.addBundle(entrypoint, {
    platform: 'node',
    target: 'node22',
    // The Node.js 22 runtime ships AWS SDK v3, but we bundle it to pin the version we test with.
    externals: [],
    sourcemap: false,
  });
}
// esbuild does not type-check: check the handlers (and the local runner) before bundling.
project.preCompileTask.exec(`tsc --noEmit -p ${project.tsconfigDev.fileName}`);

project.addPackageIgnore('/lambda-src/');
project.addPackageIgnore('/examples/');
// After the bundler's `!/assets/`: the example's bundle stays out of the package.
project.addPackageIgnore('/assets/examples/');
project.addPackageIgnore('/local/');
project.addPackageIgnore('/bench/');
project.addPackageIgnore('/.ci/');
project.addPackageIgnore('/cdk.out/');
project.addPackageIgnore('/.local-runs/');

// Lint and type-check the non-jsii folders too. Named folder by folder: the default, every .ts file under the
// root, would take in lib/'s generated declarations as well.
project.tsconfigDev.removeInclude('**/*.ts');
for (const folder of ['src', 'test', 'lambda-src', 'examples', 'local', 'bench', 'projenrc']) {
  project.tsconfigDev.addInclude(`${folder}/**/*.ts`);
}
project.tsconfigDev.addInclude('.projenrc.ts');
for (const folder of ['lambda-src', 'examples', 'local', 'bench']) {
  project.eslint?.addLintPattern(folder);
  // Bundled handlers, the example and the local tools use devDependencies only: nothing of theirs is installed with the library.
  project.eslint?.allowDevDeps(`${folder}/**`);
}
project.eslint?.addRules({ 'import/no-restricted-paths': ['error', { zones: importZones() }] });

// The local tool (`npx batch-file-processor local`) ships as a package of its own, which users install as a
// development dependency: the stand-ins stay out of the construct's dependencies (local/package/local-tool-package.ts).
// Packed beside the construct's tarball, after jsii-pacmak (which empties dist/js first).
const packageLocalTool = project.addTask('package:local', {
  description: 'Pack the local tool, cdk-batch-file-processor-local, into dist/js',
  exec: 'node -r ts-node/register/transpile-only local/package/local-tool-package.ts dist/js',
});
project.tasks.tryFind('package:js')?.spawn(packageLocalTool);
// `package` (the last step of `build`) packs the npm tarballs only, in CI or not: the other languages' full
// packages need their toolchains and registries (pip, Maven, dotnet, go), which the release workflow's jobs
// have (`npx projen package:python`, …) and a developer's machine may not. test/package/jsii-targets.test.ts
// generates every language's code offline; `npx projen package-all` builds them all where the toolchains are.
const packageTask = project.tasks.tryFind('package')!;
packageTask.reset();
packageTask.spawn(project.tasks.tryFind('package:js')!);

// The deployed integration test of the example (docs/integration-test.md). integ-runner's options (the folder, the
// TypeScript app command, the default region) are in test/integ/integ.config.json, which the jest check
// (test/integ/integ-orders-pipeline.test.ts) uses too. Each task bundles the handlers first: the app needs assets/.
const integRunner = 'integ-runner --config test/integ/integ.config.json';
project.addTask('integ', {
  description: 'With AWS credentials: deploy the example, run the integration test\'s assertions, destroy it, update its snapshot',
  steps: [{ spawn: 'bundle' }, { exec: `${integRunner} --force`, receiveArgs: true }],
});
project.addTask('integ:snapshot', {
  description: 'Check the integration test\'s snapshot (offline, no AWS credentials; the test task runs it too)',
  steps: [{ spawn: 'bundle' }, { exec: integRunner }],
});
project.addTask('integ:snapshot:update', {
  description: 'Rewrite the integration test\'s snapshot without deploying (offline; not verified on AWS until `integ` runs)',
  steps: [{ spawn: 'bundle' }, { exec: `${integRunner} --update-on-failed --dry-run` }],
});
// What integ-runner leaves in test/integ/: its temporary synthesis folders, watch mode's context, and the assertions'
// Lambda bundle it copies into the snapshot (not needed to compare or to deploy). Added here, after the constructor's
// `!/test/`, which drops every earlier pattern under /test/.
project.gitignore.exclude('/test/integ/cdk-integ.out.*', '/test/integ/cdk.context.json', '/test/integ/*.snapshot/asset.*');

project.addTask('synth:example', {
  description: 'Synthesize the reference example stack offline (no AWS credentials needed)',
  steps: [{ spawn: 'bundle' }, { exec: 'cdk synth --quiet', cwd: 'examples' }],
});

// The local tools are npm scripts that run node directly, not projen tasks: projen's task runner hands a task's
// arguments to a shell unquoted (`--delimiter ';'` ended the command) and turns every failing exit code into 1.
// Each tool bundles the handlers itself, quietly, when their sources changed (local/cli/command-setup.ts).
// --openssl-legacy-provider: s3rver's list continuation tokens use DES, which Node 20 offers only with it.
const nodeWithTypeScript = 'node --openssl-legacy-provider -r ts-node/register/transpile-only';
// npm run local -- --input FILE [--lookup FILE] [--delimiter C] [--chunk-size N] [--out DIR] [--json] [--inject-faults PLAN]
project.package.setScript('local', `${nodeWithTypeScript} local/cli/cli.ts`);
// 10,000 deterministic sample orders, run locally.
project.package.setScript('demo', `${nodeWithTypeScript} local/cli/demo.ts`);
// npm run bench -- [--records N] [--baseline-records M] [--json]
project.package.setScript('bench', `${nodeWithTypeScript} bench/run.ts`);

// The tests run the bundled handlers on this machine's Node 20; on AWS they run on Node 22, where the AWS SDK's
// Node-version deprecation warning never fires. Keep it out of the test output.
project.testTask.env('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');
// The compatibility tests again, on the newest aws-cdk-lib (test/compat/jest-newest.config.js): the main run covers the floor.
project.testTask.exec('jest --ci --config test/compat/jest-newest.config.js');
// Tests list more than 1,000 keys from s3rver too (a run's failure records): its continuation tokens need DES.
project.testTask.env('NODE_OPTIONS', '--openssl-legacy-provider');

project.synth();
