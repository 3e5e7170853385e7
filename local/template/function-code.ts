/**
 * How the local cloud runs a function of the template: Node.js code from the synthesized assembly
 * (an asset folder, a `NodejsFunction` bundle, or inline code), with the layers of the app it uses.
 * A function it cannot run (another runtime, a container image, code in S3 or in an archive, a layer
 * from outside the app) is refused with what to do, before anything starts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnResource, CfnTemplate } from './token-resolver';
import { environmentSizeError, templateEnvironmentBytes } from '../../src/environment-size';
import { UsageError } from '../shared/usage-error';

export interface FunctionCodeOptions {
  readonly template: CfnTemplate;
  /** The folder the template's asset paths are relative to. */
  readonly assemblyDirectory: string;
  /** Where inline code is written as `<logical ID>/index.js`. */
  readonly inlineCodeDirectory: string;
  /** Module folders every function resolves bare imports from, as Lambda's runtime modules (its AWS SDK). */
  readonly runtimeModulePaths: readonly string[];
  /** Resolves the template's intrinsics to local values. */
  readonly resolve: (value: unknown) => any;
  /** How the user knows the function: its construct path. */
  readonly describe: (logicalId: string) => string;
}

const DEFAULT_TIMEOUT_SECONDS = 3;
const DEFAULT_MEMORY_MB = 128;
// Lambda loads a Node.js handler module from a .js, .mjs or .cjs file
// (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html); the order of the search is our assumption.
const HANDLER_EXTENSIONS = ['.js', '.mjs', '.cjs'];
const RUNS_LOCALLY = 'the local cloud runs Node.js functions from their code (Code.fromAsset, Code.fromInline, NodejsFunction)';


/** One function of the synthesized stack, as the host runs it. */
export interface LocalFunction {
  /** The function name (what ARNs and the Invoke API name). */
  readonly name: string;
  /** Absolute path of the bundled handler file (`index.js` in the asset folder). */
  readonly entry: string;
  /** Exported handler, from the `Handler` property (`index.handler` → `handler`). */
  readonly handlerExport: string;
  readonly environment: Record<string, string>;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly architecture: 'x86_64' | 'arm64';
  /** Its `ReservedConcurrentExecutions`: its concurrency cap, taken from the account's unreserved pool. @default - none: it shares that pool */
  readonly reservedConcurrency?: number;
}

/** A function resource's reserved concurrency (`ReservedConcurrentExecutions`), if it has one. */
export function reservedConcurrencyOf(resource: CfnResource, resolve: (value: unknown) => any): number | undefined {
  const reserved = resource.Properties?.ReservedConcurrentExecutions;
  return reserved === undefined ? undefined : Number(resolve(reserved));
}

/** The function as the Lambda host runs it, or a {@link UsageError} saying why it cannot run and what to do. */
export function localFunction(logicalId: string, resource: CfnResource, options: FunctionCodeOptions): LocalFunction {
  const props = resource.Properties ?? {};
  const name: string = options.resolve({ Ref: logicalId });
  const refuse = (why: string) => new UsageError(`function ${options.describe(logicalId)} (${name}) ${why}`);
  if (props.PackageType === 'Image' || props.Code?.ImageUri !== undefined) {
    throw refuse(`is a container image: ${RUNS_LOCALLY}; test this one on AWS`);
  }
  const runtime = String(props.Runtime ?? '');
  if (!runtime.startsWith('nodejs')) {
    throw refuse(`runs ${runtime || 'an unknown runtime'}: ${RUNS_LOCALLY}; give it a Node.js implementation to run it locally, or test it on AWS`);
  }
  const [file, handlerExport] = String(props.Handler ?? 'index.handler').split(/\.(?=[^.]+$)/);
  const codeDirectory = codeDirectoryOf(logicalId, resource, options, refuse);
  const extension = HANDLER_EXTENSIONS.find((ext) => fs.existsSync(path.join(codeDirectory, `${file}${ext}`)));
  if (!extension) throw refuse(`has handler ${props.Handler}, but its code has no ${HANDLER_EXTENSIONS.map((ext) => `${file}${ext}`).join(', ')} (${codeDirectory})`);
  const layerPaths = (props.Layers ?? []).map((layer: unknown) => layerModulePaths(layer, runtime, options, refuse)).flat();
  // Lambda refuses to create a function whose environment is over 4 KB: measured as the construct measures its own
  // (tokens at their longest), a token of no known maximum at its local value rather than the construct's guess.
  const variables = props.Environment?.Variables ?? {};
  const types = new Map(Object.entries(options.template.Resources).map(([id, r]) => [id, r.Type]));
  const localBytes = (token: unknown) => Buffer.byteLength(JSON.stringify(String(options.resolve(token))), 'utf8') - 2;
  const tooLarge = environmentSizeError(options.describe(logicalId), templateEnvironmentBytes(variables, types, localBytes), () => undefined);
  // CreateFunction answers InvalidParameterValueException, "… exceeded the 4KB limit" (see src/environment-size.ts).
  if (tooLarge) throw refuse(`cannot be created on AWS (CreateFunction: InvalidParameterValueException, environment variables over 4KB): ${tooLarge}`);
  const environment: Record<string, string> = options.resolve(variables);
  const reservedConcurrency = reservedConcurrencyOf(resource, options.resolve);
  return {
    name,
    entry: path.join(codeDirectory, `${file}${extension}`),
    handlerExport,
    // Lambda's NODE_PATH: the layers' module folders, then the runtime's own modules
    // (https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html#packaging-layers-paths).
    environment: { ...environment, NODE_PATH: [...layerPaths, ...options.runtimeModulePaths].join(path.delimiter) },
    timeoutSeconds: props.Timeout ?? DEFAULT_TIMEOUT_SECONDS,
    memoryMb: props.MemorySize ?? DEFAULT_MEMORY_MB,
    architecture: props.Architectures?.[0] === 'arm64' ? 'arm64' : 'x86_64',
    ...reservedConcurrency === undefined ? {} : { reservedConcurrency },
  };
}

function codeDirectoryOf(logicalId: string, resource: CfnResource, options: FunctionCodeOptions, refuse: (why: string) => UsageError): string {
  const code = resource.Properties?.Code ?? {};
  if (code.ZipFile !== undefined) {
    // CloudFormation writes inline Node.js code to index.js, a CommonJS module
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-function-code.html).
    const directory = path.join(options.inlineCodeDirectory, logicalId);
    fs.mkdirSync(directory, { recursive: true });
    fs.writeFileSync(path.join(directory, 'index.js'), String(options.resolve(code.ZipFile)));
    return directory;
  }
  const assetPath = resource.Metadata?.['aws:asset:path'];
  if (assetPath === undefined) {
    throw refuse('has its code in S3 without asset metadata: use Code.fromAsset (or NodejsFunction) and synthesize with asset metadata '
      + '(the cdk CLI\'s default; not --no-asset-metadata)');
  }
  const directory = path.resolve(options.assemblyDirectory, assetPath);
  if (!fs.existsSync(directory) || !fs.statSync(directory).isDirectory()) {
    throw refuse(`has its code in ${directory}, which is not a folder: the local cloud runs code from asset folders, not archives`);
  }
  return directory;
}

/** The module folders of a layer of the app (`nodejs/node_modules` and the runtime's `nodejs/nodeNN/node_modules`). */
function layerModulePaths(layer: unknown, runtime: string, options: FunctionCodeOptions, refuse: (why: string) => UsageError): string[] {
  const layerId = (layer as { Ref?: string } | undefined)?.Ref;
  const resource = layerId === undefined ? undefined : options.template.Resources[layerId];
  const assetPath = resource?.Type === 'AWS::Lambda::LayerVersion' ? resource.Metadata?.['aws:asset:path'] : undefined;
  if (assetPath === undefined) {
    throw refuse(`uses the layer ${JSON.stringify(options.resolve(layer))}, which is not a layer of the app with its code in an asset folder: `
      + 'the local cloud cannot load it; bundle what it provides into the function (NodejsFunction does) to run it locally');
  }
  const root = path.resolve(options.assemblyDirectory, assetPath, 'nodejs');
  const major = /^nodejs(\d+)/.exec(runtime)?.[1];
  return [...(major ? [path.join(root, `node${major}`, 'node_modules')] : []), path.join(root, 'node_modules')];
}
