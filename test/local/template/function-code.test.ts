import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { LambdaHost } from '../../../local/lambda/lambda-host';
import { assemblyProcessors } from '../../../local/template/assembly-manifest';
import { CloudAssembly, localCloudAssembly, synthesize, synthesizeInProcess } from '../../../local/template/cloud-assembly';
import { BatchFileProcessor, RecordEnricher, RecordValidator } from '../../../src';
import { tempFolder } from '../../support/temp-folder';

// The user's functions as the local cloud runs them (inline code, asset folders, layers of the app, Lambda's
// runtime SDK) and those it refuses, named, before anything starts.
const work = tempFolder('function-code-test-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function write(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return path.dirname(file);
}

/** A stack whose processor uses `validator` (and `enricher`) as its functions. */
function stackWith(functions: (stack: Stack) => { validator: lambda.IFunction; enricher?: lambda.IFunction }) {
  return (app: App) => {
    const stack = new Stack(app, 'Functions');
    const { validator, enricher } = functions(stack);
    new BatchFileProcessor(stack, 'Processor', {
      validator: RecordValidator.fromLambda(validator),
      enrichment: enricher ? RecordEnricher.fromLambda(enricher) : undefined,
    });
    return stack;
  };
}

const assemblyOf = (createStack: (app: App) => Stack) => synthesize({ createStack, apiBaseUrl: 'http://127.0.0.1:1' }).assembly;

describe('functions the local cloud runs', () => {
  let assembly: CloudAssembly;
  let host: LambdaHost;
  beforeAll(() => {
    const layer = write(path.join(work, 'layer', 'nodejs', 'node_modules', 'greeting', 'index.js'), 'module.exports = (name) => `hello ${name}`;');
    const esm = write(path.join(work, 'esm', 'index.mjs'), 'export const handler = async (event) => ({ greeting: process.env.GREETING, echo: event.value });');
    assembly = assemblyOf(stackWith((stack) => ({
      // Inline code (a token in it, resolved), a layer of the app and the runtime's AWS SDK.
      validator: new lambda.Function(stack, 'Inline', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.check',
        timeout: Duration.seconds(7),
        memorySize: 256,
        layers: [new lambda.LayerVersion(stack, 'Greetings', { code: lambda.Code.fromAsset(path.dirname(path.dirname(path.dirname(layer)))) })],
        code: lambda.Code.fromInline(`const greet = require('greeting');
const { S3Client } = require('@aws-sdk/client-s3');
exports.check = async () => ({ region: '${stack.region}', greeting: greet('inline'), sdk: typeof S3Client });`),
      }),
      // An ES module from an asset folder, with its own environment.
      enricher: new lambda.Function(stack, 'Module', {
        runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code: lambda.Code.fromAsset(esm), environment: { GREETING: 'bonjour' },
      }),
    })));
    host = new LambdaHost(assembly.functions, { baseEnvironment: {}, functionArn: (name) => `arn:aws:lambda:us-east-1:000000000000:function:${name}` });
  }, 60_000);
  afterAll(async () => {
    await host.close();
    assembly.dispose();
  });
  const named = (prefix: string) => assembly.functions.find((f) => f.name.startsWith(prefix))!;

  test('the reachable functions only: the processor\'s handlers and the user\'s, not CDK\'s deployment-time handlers', () => {
    const names = assembly.functions.map((f) => f.name.replace(/[0-9A-F]{8}$/, ''));
    expect(names.sort()).toEqual(['Inline', 'Module', 'ProcessorArchiveInput', 'ProcessorEnrichChunk', 'ProcessorMergeChunks', 'ProcessorNotify', 'ProcessorRecordRejects',
      'ProcessorRunTurns', 'ProcessorSplitInput', 'ProcessorTrigger', 'ProcessorValidateChunk'].sort());
  });

  test('inline code runs with its tokens resolved, its layer\'s modules and the runtime\'s AWS SDK; its timeout and memory are the template\'s', async () => {
    expect(named('Inline')).toMatchObject({ timeoutSeconds: 7, memoryMb: 256, handlerExport: 'check' });
    await expect(host.invoke(named('Inline').name, {})).resolves.toEqual({ region: 'us-east-1', greeting: 'hello inline', sdk: 'function' });
  }, 30_000);

  test('an ES module (index.mjs) runs with its own environment', async () => {
    expect(named('Module').entry).toMatch(/index\.mjs$/);
    await expect(host.invoke(named('Module').name, { value: 42 })).resolves.toEqual({ greeting: 'bonjour', echo: 42 });
  }, 30_000);
});

describe('functions the local cloud refuses, before anything starts', () => {
  test.each([
    ['another runtime', (stack: Stack) => new lambda.Function(stack, 'Checker', {
      runtime: lambda.Runtime.PYTHON_3_12, handler: 'index.handler', code: lambda.Code.fromInline('def handler(e, c):\n    return {}\n'),
    }), /^function Functions\/Checker \(Checker\w+\) runs python3\.12: the local cloud runs Node\.js functions .*give it a Node\.js implementation/],
    ['a container image', (stack: Stack) => new lambda.DockerImageFunction(stack, 'Checker', {
      code: lambda.DockerImageCode.fromEcr(ecr.Repository.fromRepositoryName(stack, 'Repository', 'checker')),
    }), /^function Functions\/Checker \(Checker\w+\) is a container image: .*test this one on AWS/],
    ['code in S3', (stack: Stack) => new lambda.Function(stack, 'Checker', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromBucket(s3.Bucket.fromBucketName(stack, 'Code', 'code-bucket'), 'checker.zip'),
    }), /^function Functions\/Checker \(Checker\w+\) has its code in S3 without asset metadata: use Code\.fromAsset/],
    ['code in an archive', (stack: Stack) => new lambda.Function(stack, 'Checker', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromAsset(path.join(write(path.join(work, 'zip', 'checker.zip'), 'PK'), 'checker.zip')),
    }), /^function Functions\/Checker \(Checker\w+\) has its code in \S+, which is not a folder/],
    ['a layer from outside the app', (stack: Stack) => new lambda.Function(stack, 'Checker', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({});'),
      layers: [lambda.LayerVersion.fromLayerVersionArn(stack, 'Powertools', 'arn:aws:lambda:us-east-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:1')],
    }), /^function Functions\/Checker \(Checker\w+\) uses the layer "arn:aws:lambda:us-east-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:1", .*cannot load it/],
    ['a handler file that is not there', (stack: Stack) => new lambda.Function(stack, 'Checker', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'main.handler', code: lambda.Code.fromAsset(write(path.join(work, 'no-main', 'index.js'), '')),
    }), /^function Functions\/Checker \(Checker\w+\) has handler main\.handler, but its code has no main\.js, main\.mjs, main\.cjs/],
    ['an environment over Lambda\'s 4 KB, as Lambda measures it (escapes and tokens counted)', (stack: Stack) => new lambda.Function(stack, 'Checker', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({});'),
      // 3,910 bytes of value, 4,010 once its quotes are escaped: 4,098 bytes in all with the bucket name at its longest
      // (63), where the bare value and a local bucket name would fit.
      environment: { SCHEMA: '"a"'.repeat(50) + 'x'.repeat(3_760), BUCKET: new s3.Bucket(stack, 'Data').bucketName },
    }), /^function Functions\/Checker \(Checker\w+\) cannot be created on AWS \(CreateFunction: InvalidParameterValueException, environment variables over 4KB\): .* may take 4098 bytes .*more than Lambda's 4096; the largest: SCHEMA 4022 bytes, BUCKET 75 bytes$/],
  ])('%s', (_name, validator, message) => {
    expect(() => assemblyOf(stackWith((stack) => ({ validator: validator(stack) })))).toThrow(message);
  });

  test('a function only another processor reaches is neither run nor refused', () => {
    const app = synthesizeInProcess((cdkApp: App) => {
      const stack = new Stack(cdkApp, 'Two');
      const python = new lambda.Function(stack, 'PythonChecker', {
        runtime: lambda.Runtime.PYTHON_3_12, handler: 'index.handler', code: lambda.Code.fromInline('def handler(e, c):\n    return {}\n'),
      });
      new BatchFileProcessor(stack, 'WithPython', { validator: RecordValidator.fromLambda(python) });
      new BatchFileProcessor(stack, 'Plain');
      return stack;
    });
    try {
      const processors = assemblyProcessors(app.stacks);
      const options = { apiBaseUrl: 'http://127.0.0.1:1' };
      const plain = localCloudAssembly(app.stacks[0], { ...options, processors: processors.filter((p) => p.path === 'Two/Plain') });
      const names = plain.functions.map((f) => f.name);
      expect(names).toContainEqual(expect.stringMatching(/^PlainValidateChunk/));
      expect(names).not.toContainEqual(expect.stringMatching(/^PythonChecker/));
      plain.dispose();
      expect(() => localCloudAssembly(app.stacks[0], { ...options, processors: processors.filter((p) => p.path === 'Two/WithPython') }))
        .toThrow(/^function Two\/PythonChecker \(PythonChecker\w+\) runs python3\.12/);
    } finally {
      app.dispose();
    }
  });
});
