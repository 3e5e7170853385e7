import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LOCAL_TOOL_PACKAGE, packLocalTool } from '../../../local/package/local-tool-package';
import { lintProblems, lintTemplates, requireCfnLint } from '../../support/cfn-lint';
import { expectedRun, expectPublished } from '../../support/expected-run';
import { tempFolder } from '../../support/temp-folder';

// What a user gets: the packed construct and local tool installed into a throwaway CDK app outside the source
// tree (as `npm install` installs them, from the registry for the rest), and `npx batch-file-processor local`
// run on two processors of that app: a validator written in the app (inline Node.js), a table enricher loaded
// with --table-data. At both ends of the supported range: the floor (the package's own pin) in an app without
// feature flags, and the newest aws-cdk-lib (the `aws-cdk-lib-newest` alias) in an app as `cdk init` makes one
// today, with the recommended feature flags in its cdk.json. Needs the construct compiled (lib/, .jsii), as
// `npx projen build` does before the tests.
const ROOT = path.join(__dirname, '..', '..', '..');
const work = tempFolder('local-tool-package-test-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The environment of a user's shell: nothing of this repository's npm, jest or node settings. */
function userEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(npm_|INIT_CWD$|NODE_OPTIONS$|JEST_|TS_NODE_|AWS_SDK_JS_)/i.test(name)));
}

function newestUnder(folder: string): number {
  return Math.max(...fs.readdirSync(folder, { recursive: true, encoding: 'utf8' }).map((file) => fs.statSync(path.join(folder, file)).mtimeMs));
}

const APP = `const { App, RemovalPolicy, Stack } = require('aws-cdk-lib');
const dynamodb = require('aws-cdk-lib/aws-dynamodb');
const lambda = require('aws-cdk-lib/aws-lambda');
const { BatchFileProcessor, RecordEnricher, RecordValidator } = require('cdk-batch-file-processor');

const app = new App();
const stack = new Stack(app, 'Shop');
const amountValidator = new lambda.Function(stack, 'AmountValidator', {
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline(\`exports.handler = async ({ header, records }) => ({
    verdicts: records.map(({ fields }) => /^[0-9]+$/.test(fields[header.indexOf('Amount')])
      ? { valid: true } : { valid: false, reasons: ['Amount is not a whole number'] }),
  });\`),
});
const customers = new dynamodb.Table(stack, 'Customers', {
  partitionKey: { name: 'uuid', type: dynamodb.AttributeType.STRING }, removalPolicy: RemovalPolicy.DESTROY,
});
new BatchFileProcessor(stack, 'Orders', {
  chunkSize: 2,
  validator: RecordValidator.fromLambda(amountValidator),
  enrichment: RecordEnricher.fromTable(customers, { keyColumn: 'uuid', fields: ['segment'] }),
  removalPolicy: RemovalPolicy.DESTROY,
});
new BatchFileProcessor(stack, 'Returns', { chunkSize: 3, removalPolicy: RemovalPolicy.DESTROY });
`;

/** What `npm pack` put in the construct's package. */
let constructFiles: string[] = [];
let constructTarball: string;
let toolTarball: string;

const SEGMENTS: Record<string, string> = { c1: 'retail', c2: 'wholesale', c5: 'retail', c6: 'public', c7: 'retail' };

const installedPackage = (name: string, file = 'package.json') => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, file), 'utf8'));

beforeAll(() => {
  const compiled = path.join(ROOT, '.jsii');
  if (!fs.existsSync(compiled) || fs.statSync(compiled).mtimeMs < newestUnder(path.join(ROOT, 'src'))) {
    throw new Error('the construct is not compiled, or older than src/: run `npx projen compile` (npx projen build compiles before it tests)');
  }
  const tarballs = path.join(work, 'tarballs');
  fs.mkdirSync(tarballs);
  const construct = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', tarballs], { cwd: ROOT, encoding: 'utf8', env: userEnvironment() }));
  constructTarball = path.join(tarballs, construct[0].filename);
  constructFiles = (construct[0].files as Array<{ path: string }>).map((file) => file.path);
  toolTarball = packLocalTool(tarballs);
}, 600_000);

test('the construct\'s package ships its handlers\' bundles and nothing of the example, the local cloud or the tests', () => {
  const handlers = constructFiles.filter((file) => /^assets\/lambda-src\/[^/]+\/index\.js$/.test(file)).map((file) => file.split('/')[2]).sort();
  expect(handlers).toEqual(['archive-input', 'enrich-chunk', 'merge-chunks', 'notify', 'record-rejects', 'run-turns', 'split-input', 'trigger', 'validate-chunk']);
  expect(constructFiles.filter((file) => /^(assets\/examples|examples|local|test|bench|lambda-src)\//.test(file))).toEqual([]);
});

const RANGE_ENDS = [
  { end: 'the floor', cdk: 'aws-cdk-lib', flags: 'no feature flags', context: {} },
  { end: 'the newest', cdk: 'aws-cdk-lib-newest', flags: 'the recommended feature flags', context: installedPackage('aws-cdk-lib-newest', 'recommended-feature-flags.json') },
].map((app) => ({ ...app, version: installedPackage(app.cdk).version as string }));

describe.each(RANGE_ENDS)('an app on $end of the range (aws-cdk-lib $version, $flags)', ({ end, version, context }) => {
  const appDir = path.join(work, end.replace(/\W+/g, '-'));
  /** What synthesizing the app printed, and its templates. */
  let synthesis: { stderr: string; templates: string[] };

  beforeAll(() => {
    fs.mkdirSync(appDir);
    fs.writeFileSync(path.join(appDir, 'package.json'), JSON.stringify({ name: 'shop', version: '1.0.0', private: true }));
    fs.writeFileSync(path.join(appDir, 'cdk.json'), JSON.stringify({ app: 'node app.js', context }));
    fs.writeFileSync(path.join(appDir, 'app.js'), APP);
    fs.writeFileSync(path.join(appDir, 'orders.csv'), 'uuid,Country,Amount\nc1,Panama,10\nc2,Chad,abc\nc3,Peru\nc4,Fiji,7\nc5,"Oman, North",3\nc6,Laos,0.5\nc7,Mali,x1\n');
    fs.writeFileSync(path.join(appDir, 'customers.csv'), ['uuid,segment', ...Object.entries(SEGMENTS).map(([uuid, segment]) => `${uuid},${segment}`)].join('\n'));
    // As a user installs them: the construct with the CDK of the app, then the tool as a development dependency.
    // The npm cache answers what it holds (--prefer-offline: `npm ci` put both ends in it); the registry the rest.
    const npm = (args: string[]) => execFileSync('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
      cwd: appDir, encoding: 'utf8', env: userEnvironment(),
    });
    npm(['install', constructTarball, `aws-cdk-lib@${version}`, `constructs@${installedPackage('constructs').version}`]);
    npm(['install', '--save-dev', toolTarball]);
    // Synthesized as `cdk synth` runs the app: the context of cdk.json in CDK_CONTEXT_JSON, the assembly in CDK_OUTDIR.
    const outdir = path.join(appDir, 'cdk.out');
    const synth = spawnSync('node', ['app.js'], {
      cwd: appDir, encoding: 'utf8', env: { ...userEnvironment(), CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(context) },
    });
    if (synth.status !== 0) throw new Error(`the app did not synthesize: ${synth.stderr}`);
    synthesis = { stderr: synth.stderr, templates: fs.readdirSync(outdir).filter((file) => file.endsWith('.template.json')).map((file) => path.join(outdir, file)) };
  }, 600_000);

  /** `npx batch-file-processor local …` in the app's folder, from a user's shell. */
  function local(args: string[]) {
    const run = spawnSync('npx', ['batch-file-processor', 'local', ...args], { cwd: appDir, encoding: 'utf8', env: userEnvironment(), maxBuffer: 64 * 1024 * 1024 });
    return { status: run.status, result: run.status === 2 ? undefined : JSON.parse(run.stdout.trim().split('\n').pop() ?? 'null'), stderr: run.stderr };
  }

  test('the app synthesizes without a deprecation warning, and cfn-lint finds nothing but the harmless warnings', () => {
    expect(synthesis.stderr.split('\n').filter((line) => /deprecated|\[WARNING\]/i.test(line))).toEqual([]);
    expect(synthesis.templates.map((file) => path.basename(file))).toEqual(['Shop.template.json']);
    if (!requireCfnLint()) return;
    expect(lintProblems(lintTemplates(synthesis.templates))).toEqual([]);
  });

  test('the local tool is a development dependency: the app\'s production dependencies hold none of the stand-ins', () => {
    const tree = (omitDev: boolean) => execFileSync('npm', ['ls', '--all', '--parseable', ...omitDev ? ['--omit=dev'] : []], {
      cwd: appDir, encoding: 'utf8', env: userEnvironment(),
    }).split('\n').map((line) => path.relative(appDir, line)).join('\n');
    const standIns = /node_modules\/(s3rver|dynalite|aws-local-stepfunctions|aws-ses-v2-local|esbuild|cdk-batch-file-processor-local)$/m;
    expect(tree(true)).toMatch(/node_modules\/cdk-batch-file-processor$/m);
    expect(tree(true)).not.toMatch(standIns);
    expect(tree(false)).toMatch(standIns);
    expect(JSON.parse(fs.readFileSync(path.join(appDir, 'package.json'), 'utf8')).devDependencies).toHaveProperty(LOCAL_TOOL_PACKAGE);
  });

  test('the processor chosen with --processor: its inline validator and its table, loaded with --table-data, as the input says', () => {
    const run = local(['--input', 'orders.csv', '--processor', 'Shop/Orders', '--table-data', 'Shop/Customers=customers.csv', '--out', 'orders-run', '--json']);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    expect(run.result).toMatchObject({ processor: 'Shop/Orders', status: 'SUCCEEDED', chunks: 4 });
    expectPublished(run.result, expectedRun(path.join(appDir, 'orders.csv'), {
      validate: (record) => (/^[0-9]+$/.test(record.Amount) ? [] : ['Amount is not a whole number']),
      enrich: { columns: ['segment'], values: (record) => (SEGMENTS[record.uuid] ? [SEGMENTS[record.uuid]] : undefined), missingReason: (record) => `no enrichment data for uuid=${record.uuid}` },
    }));
  }, 300_000);

  test('the other processor of the app, chosen with --processor', () => {
    const run = local(['--input', 'orders.csv', '--processor', 'Shop/Returns', '--out', 'returns-run', '--json']);
    expect(run.status).toBe(0);
    expect(run.result).toMatchObject({ processor: 'Shop/Returns', status: 'SUCCEEDED', chunks: 3 });
    expectPublished(run.result, expectedRun(path.join(appDir, 'orders.csv')));
  }, 300_000);
});
