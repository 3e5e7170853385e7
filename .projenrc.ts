import { awscdk, javascript } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';

const project = new awscdk.AwsCdkConstructLibrary({
  author: 'cdk-batch-file-processor contributors',
  authorAddress: 'maintainers@example.com',
  cdkVersion: '2.189.1',
  defaultReleaseBranch: 'main',
  jsiiVersion: '~6.0.0',
  name: 'cdk-batch-file-processor',
  description: 'An AWS CDK construct that validates, enriches and merges CSV files dropped into S3, chunk by chunk, with Step Functions.',
  keywords: ['cdk', 'aws-cdk', 'step-functions', 'distributed-map', 'csv', 'batch', 's3'],
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  repositoryUrl: 'https://github.com/example/cdk-batch-file-processor.git',
  minNodeVersion: '20.0.0',
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
    '@aws-sdk/credential-provider-node',
    '@smithy/signature-v4',
    '@smithy/protocol-http',
    '@aws-crypto/sha256-js',
    'ajv@^8',
    'aws-sdk-client-mock',
    'cdk-nag@^2.38',
    'aws-cdk@^2',
    'csv-parse',
    'csv-stringify',
    'iconv-lite',
    'aws-local-stepfunctions@3.0.0',
    's3rver@3.7.1',
    'dynalite@4.0.0',
    'aws-ses-v2-local@2.10.2',
  ],
  gitignore: ['/cdk.out', '/examples/cdk.out', '/.local-runs', '/bench-results'],
});

// Handlers: one entry point each under lambda-src/, bundled into assets/lambda-src/<name>/index.js.
const handlers = ['trigger', 'split-input', 'validate-chunk', 'enrich-chunk', 'record-rejects', 'merge-chunks', 'notify', 'financials-api'];
for (const handler of handlers) {
  project.bundler.addBundle(`lambda-src/${handler}.ts`, {
    platform: 'node',
    target: 'node22',
    // The Node.js 22 runtime ships AWS SDK v3, but we bundle it to pin the version we test with.
    externals: [],
    sourcemap: false,
  });
}
// esbuild does not type-check: check the handlers (and the local runner) before bundling.
project.preCompileTask.exec('tsc --noEmit -p test/tsconfig.json');

project.addPackageIgnore('/lambda-src/');
project.addPackageIgnore('/examples/');
project.addPackageIgnore('/local/');
project.addPackageIgnore('/bench/');
project.addPackageIgnore('/.ci/');
project.addPackageIgnore('/cdk.out/');
project.addPackageIgnore('/.local-runs/');

// Lint and type-check the non-jsii folders too.
// The dev tsconfig lives in test/, so the other folders are named relative to it.
for (const folder of ['lambda-src', 'examples', 'local', 'bench']) {
  project.tsconfigDev.addInclude(`../${folder}/**/*.ts`);
}
for (const folder of ['lambda-src', 'examples', 'local', 'bench']) {
  project.eslint?.addLintPattern(folder);
  // Bundled handlers, the example and the local tools use devDependencies only: nothing of theirs is installed with the library.
  project.eslint?.allowDevDeps(`${folder}/**`);
}

const tsNode = 'ts-node -T -P test/tsconfig.json';
project.addTask('synth:example', {
  description: 'Synthesize the reference example stack offline (no AWS credentials needed)',
  steps: [{ spawn: 'bundle' }, { exec: 'cdk synth --quiet', cwd: 'examples' }],
});
const local = project.addTask('local', {
  description: 'Run the pipeline on this machine: npm run local -- --input FILE [--lookup FILE] [--chunk-size N] [--delimiter C] [--out DIR] [--json]',
  receiveArgs: true,
  steps: [{ spawn: 'bundle' }],
});
local.exec('node --openssl-legacy-provider -r ts-node/register/transpile-only local/cli.ts', { receiveArgs: true });
project.addTask('demo', {
  description: 'Generate a deterministic sample of 10,000 orders and run it locally',
  steps: [{ spawn: 'bundle' }, { exec: `${tsNode} local/demo.ts` }],
});
project.addTask('bench', {
  description: 'Throughput, memory and cost benchmarks: npm run bench -- [--records N] [--json]',
  receiveArgs: true,
  steps: [{ spawn: 'bundle' }],
}).exec('node --openssl-legacy-provider -r ts-node/register/transpile-only bench/run.ts', { receiveArgs: true });

// The local runner and tests run the bundled handlers on this machine's Node 20; on AWS they run on Node 22, where
// the AWS SDK's Node-version deprecation warning never fires. Keep it out of local output.
for (const task of [project.testTask, local, project.tasks.tryFind('demo'), project.tasks.tryFind('bench')]) {
  task?.env('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');
}

project.synth();
