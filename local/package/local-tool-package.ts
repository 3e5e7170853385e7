// local/ is development tooling, left out of the construct's npm package: it runs on devDependencies.
/**
 * Builds the local tool's own npm package, `cdk-batch-file-processor-local` (bin `batch-file-processor`),
 * which users install as a development dependency of their CDK app: the construct package stays free of the
 * stand-ins (s3rver, dynalite, the Step Functions engine, SES), whose weight only a local run needs.
 *
 * The tool's code (local/, and the contracts it shares with the construct and the handlers) is bundled by
 * esbuild into `bin/`, its packages left external and declared as the package's dependencies, at the versions
 * this repository tests with; the construct is a peer dependency of the same version, since the tool reads what
 * the construct synthesizes. `npm run package:local` (the `package` task) packs it into dist/js/, beside the
 * construct's tarball; `node -r ts-node/register local/package/local-tool-package.ts DIR` packs it into DIR.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync, Metafile } from 'esbuild';

const ROOT = path.join(__dirname, '..', '..');

export const LOCAL_TOOL_PACKAGE = 'cdk-batch-file-processor-local';
export const LOCAL_TOOL_BIN = 'batch-file-processor';

/** The command, and the worker threads' scripts, which the code finds beside it (local/shared/worker-script.ts). */
const ENTRY_POINTS: Record<string, string> = {
  [LOCAL_TOOL_BIN]: 'local/cli/batch-file-processor.ts',
  'lambda-runtime': 'local/lambda/lambda-runtime.ts',
  'dynamodb-worker': 'local/stand-ins/dynamodb-worker.ts',
};

/** Packages the bundle names but never loads in the package, each with why. */
const NEVER_LOADED: Record<string, string> = {
  'esbuild': 'compiles the worker scripts in a source checkout; the package ships them compiled',
  'aws-cdk-lib': 'synthesizes stacks built in the same process (this repository\'s tests); the tool runs the app\'s own command',
};

const packageName = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
const isBuiltin = (specifier: string) => specifier.startsWith('node:') || builtinModules.includes(packageName(specifier));

/** The packages the bundle imports, with the version ranges of this repository's package.json. */
function dependenciesOf(metafile: Metafile, manifest: any): Record<string, string> {
  const imported = new Set<string>();
  for (const input of Object.values(metafile.inputs)) {
    for (const { path: specifier, external } of input.imports) {
      // A relative import is bundled (or was a type only); a require.resolve counts as an import.
      const isPackage = external && !specifier.startsWith('.') && !isBuiltin(specifier);
      if (isPackage && !(packageName(specifier) in NEVER_LOADED)) imported.add(packageName(specifier));
    }
  }
  const versions = { ...manifest.devDependencies, ...manifest.dependencies };
  const dependencies: Record<string, string> = {};
  for (const name of [...imported].sort()) {
    if (!versions[name]) throw new Error(`the local tool imports ${name}, which package.json does not list: add it to .projenrc.ts`);
    dependencies[name] = versions[name];
  }
  return dependencies;
}

const README = `# ${LOCAL_TOOL_PACKAGE}

Runs a [cdk-batch-file-processor](https://www.npmjs.com/package/cdk-batch-file-processor) pipeline of your CDK app
on your machine, before you deploy it: your app synthesized as \`cdk synth\` would, its state machines and its
Node.js functions run against local stand-ins for S3, DynamoDB, SES, Lambda and Step Functions.

\`\`\`
npm install -D ${LOCAL_TOOL_PACKAGE}
npx ${LOCAL_TOOL_BIN} local --input data/orders.csv [--processor MyStack/Orders] [--table-data MyStack/Financials=data/financials.csv] [--json]
\`\`\`

\`npx ${LOCAL_TOOL_BIN} local --help\` lists every option. Install the same version as cdk-batch-file-processor.
`;

/** Builds the package in a temporary folder and packs it into `destination`; returns the tarball's path. */
export function packLocalTool(destination: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'local-tool-package-'));
  try {
    const build = buildSync({
      entryPoints: Object.fromEntries(Object.entries(ENTRY_POINTS).map(([name, file]) => [name, path.join(ROOT, file)])),
      outdir: path.join(stage, 'bin'),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      packages: 'external',
      metafile: true,
      logLevel: 'error',
    });
    const bin = path.join(stage, 'bin', `${LOCAL_TOOL_BIN}.js`);
    fs.writeFileSync(bin, `#!/usr/bin/env node\n${fs.readFileSync(bin, 'utf8')}`);
    fs.chmodSync(bin, 0o755);
    fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify({
      name: LOCAL_TOOL_PACKAGE,
      version: manifest.version,
      description: `Runs a ${manifest.name} pipeline of your CDK app locally: npx ${LOCAL_TOOL_BIN} local`,
      license: manifest.license,
      author: manifest.author,
      repository: manifest.repository,
      keywords: ['cdk', 'aws-cdk', 'step-functions', 'local', 'testing'],
      engines: { node: manifest.engines?.node ?? '>= 20.0.0' },
      bin: { [LOCAL_TOOL_BIN]: `bin/${LOCAL_TOOL_BIN}.js` },
      files: ['bin/'],
      dependencies: dependenciesOf(build.metafile!, manifest),
      peerDependencies: { [manifest.name]: manifest.version },
    }, null, 2)}\n`);
    fs.writeFileSync(path.join(stage, 'README.md'), README);
    fs.copyFileSync(path.join(ROOT, 'LICENSE'), path.join(stage, 'LICENSE'));
    fs.mkdirSync(destination, { recursive: true });
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', path.resolve(destination)], { cwd: stage, encoding: 'utf8' }));
    return path.join(path.resolve(destination), packed[0].filename);
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const destination = process.argv[2];
  if (!destination) {
    process.stderr.write('usage: local-tool-package.ts DESTINATION\n');
    process.exit(2);
  }
  process.stdout.write(`${packLocalTool(destination)}\n`);
}
