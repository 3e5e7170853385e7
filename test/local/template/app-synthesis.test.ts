import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { appContext, errorLineOf, synthesizeApp } from '../../../local/template/app-synthesis';
import { tempFolder } from '../../support/temp-folder';

// The contract of the cdk CLI with an app, as the local tool keeps it: the app command runs in the app's folder
// with CDK_OUTDIR and CDK_CONTEXT_JSON, and writes its cloud assembly there. The apps here are plain scripts
// that write a manifest themselves and record what they were given.
const work = tempFolder('app-synthesis-test-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** An app that writes an empty cloud assembly and, beside it, the environment it was given. */
const RECORDING_APP = `const fs = require('fs'); const path = require('path');
fs.writeFileSync(path.join(process.env.CDK_OUTDIR, 'manifest.json'), JSON.stringify({ version: '41.0.0', artifacts: {} }));
fs.writeFileSync(path.join(process.env.CDK_OUTDIR, 'given.json'), JSON.stringify({ cwd: process.cwd(), context: JSON.parse(process.env.CDK_CONTEXT_JSON) }));
console.log('the app may print');`;

function appFolder(name: string, files: Record<string, string>): string {
  const dir = path.join(work, name);
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const quiet = () => new PassThrough().resume();

test('the app of cdk.json runs in its folder (a .js file with this node), after its build command, with the merged context', async () => {
  const dir = appFolder('recording', {
    'cdk.json': JSON.stringify({ app: 'app.js', build: 'node -e "require(\'fs\').writeFileSync(\'built\', \'yes\')"', context: { stage: 'dev', size: 3, flag: true } }),
    'cdk.context.json': JSON.stringify({ 'stage': 'cached', 'vpc-provider:x': { vpcId: 'vpc-1' } }),
    'app.js': RECORDING_APP,
  });
  const output = new PassThrough();
  let printed = '';
  output.on('data', (data) => { printed += data; });
  const app = await synthesizeApp({ directory: dir, context: { stage: 'test' }, output });
  try {
    const given = JSON.parse(fs.readFileSync(path.join(app.directory, 'given.json'), 'utf8'));
    expect(given.cwd).toBe(fs.realpathSync(dir));
    expect(given.context).toMatchObject({
      'stage': 'test',
      'size': 3,
      'flag': true,
      'vpc-provider:x': { vpcId: 'vpc-1' },
      'aws:cdk:enable-path-metadata': true,
      'aws:cdk:enable-asset-metadata': true,
      'aws:cdk:bundling-stacks': ['**'],
    });
    expect(fs.readFileSync(path.join(dir, 'built'), 'utf8')).toBe('yes');
    // The app's output goes to the given stream (stderr), never to the command's stdout.
    expect(printed).toBe('the app may print\n');
    expect(app.stacks).toEqual([]);
  } finally {
    app.dispose();
  }
  expect(fs.existsSync(app.directory)).toBe(false);
});

test('--app as a command overrides cdk.json; --app as a folder is a cloud assembly, read and left in place', async () => {
  const dir = appFolder('overridden', { 'cdk.json': JSON.stringify({ app: 'node missing.js' }), 'other.js': RECORDING_APP });
  const synthesized = await synthesizeApp({ directory: dir, app: 'node other.js', output: quiet() });
  const given = await synthesizeApp({ directory: dir, app: synthesized.directory });
  expect(given.directory).toBe(synthesized.directory);
  given.dispose();
  expect(fs.existsSync(synthesized.directory)).toBe(true);
  synthesized.dispose();
});

test.each([
  ['no cdk.json and no --app', {}, undefined, /^no --app, and no cdk\.json with an "app" in \S+: run it in your CDK app's folder, or give --app COMMAND\|CDK_OUT_DIR$/],
  ['an app that fails', { 'app.js': 'const x = 1;\nthrow new TypeError("the stack has no bucket");\n' }, 'app.js',
    /^the app failed to synthesize \(app\.js, exit code 1\): TypeError: the stack has no bucket$/],
  ['an app that writes no assembly', { 'app.js': '' }, 'app.js', /^the app \(app\.js\) wrote no cloud assembly/],
  ['a cdk.json that is not JSON', { 'cdk.json': '{ "app": ' }, undefined, /cdk\.json is not valid JSON/],
])('%s is bad use', async (name, files, app, message) => {
  const dir = appFolder(name.replace(/\W+/g, '-'), files);
  await expect(synthesizeApp({ directory: dir, app, output: quiet() })).rejects.toThrow(message);
  await expect(synthesizeApp({ directory: dir, app, output: quiet() })).rejects.toHaveProperty('name', 'UsageError');
});

test('context keys starting with aws: are the CDK\'s', () => {
  expect(() => appContext(work, { 'aws:cdk:enable-path-metadata': 'false' })).toThrow('context keys starting with "aws:" are reserved for the CDK');
});

test.each([
  ['/app/app.js:2\nthrow new Error("boom");\n^\n\nError: boom\n    at Object.<anonymous> (/app/app.js:2:7)\n', 'Error: boom'],
  ['ValidationError: chunkSize must be 1 to 10000\n    at path [Stack/Processor]', 'ValidationError: chunkSize must be 1 to 10000'],
  ['warning: something\nexited early\n', 'exited early'],
  ['', '(it printed nothing)'],
])('the error line of %j', (stderr, line) => {
  expect(errorLineOf(stderr)).toBe(line);
});
