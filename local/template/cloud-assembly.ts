import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { App, Stack } from 'aws-cdk-lib';
import { SYNTHESIS_CONTEXT } from './app-synthesis';
import { AssemblyProcessor, AssemblyStack, assemblyProcessors, assemblyStacks, constructPaths } from './assembly-manifest';
import { eventBusesOf, LocalRule, rulesOf } from './event-rules';
import { localFunction, LocalFunction, reservedConcurrencyOf } from './function-code';
import { reachableFunctions } from './reachable-functions';
import { CfnTemplate, LocalEnvironment, resolveTokens } from './token-resolver';
import { runtimeModulesFolder } from '../shared/runtime-modules';

/** A state machine of the synthesized stack, as the local Step Functions runs it. */
export interface LocalStateMachine {
  readonly arn: string;
  readonly name: string;
  readonly type: 'STANDARD' | 'EXPRESS';
  /** Plain ASL, tokens resolved. */
  readonly definition: any;
}

/** A DynamoDB table to create in the stand-in, as the template declares it. */
export interface LocalTable {
  readonly name: string;
  /** Its construct path, e.g. `MyStack/Financials` (`--table-data` names tables by it). */
  readonly path: string;
  readonly keySchema: Array<{ AttributeName: string; KeyType: string }>;
  readonly attributeDefinitions: Array<{ AttributeName: string; AttributeType: string }>;
}

/** One method of a REST API, proxied to a function (AWS_PROXY integration). */
export interface LocalRoute {
  readonly method: string;
  /** Resource path with `{param}` placeholders, e.g. `/financials/{uuid}`. */
  readonly resourcePath: string;
  readonly functionName: string;
}

export interface LocalRestApi {
  readonly id: string;
  readonly stageName: string;
  readonly routes: LocalRoute[];
}

export interface CloudAssembly {
  /** The stack, as the cloud assembly holds it (construct paths, metadata, processors). */
  readonly stack: AssemblyStack;
  readonly env: LocalEnvironment;
  readonly template: CfnTemplate;
  /** The functions a run can reach (see `reachableFunctions`), each one runnable. */
  readonly functions: LocalFunction[];
  /**
   * The concurrency reserved by the stack's functions no run reaches (custom resources' handlers, another processor's):
   * taken from the account's unreserved pool all the same.
   */
  readonly reservedConcurrencyNotRun: number;
  readonly stateMachines: LocalStateMachine[];
  readonly buckets: string[];
  readonly tables: LocalTable[];
  readonly restApis: LocalRestApi[];
  /** The EventBridge rules, with their patterns and targets. */
  readonly rules: LocalRule[];
  /** The event buses: `default` and those the template declares. */
  readonly eventBuses: string[];
  /** Resolves a value of the template (`{ Ref: … }`, `{ "Fn::GetAtt": … }`…) to its local value. */
  resolve(value: unknown): any;
  /** Removes what the assembly wrote (inline code; the synthesized folder when it made it). */
  dispose(): void;
}

export interface LocalAssemblyOptions {
  /** The local base URL of the REST APIs' endpoint (`http://127.0.0.1:port`), which replaces `https://<id>.execute-api.<region>.amazonaws.com`. */
  readonly apiBaseUrl: string;
  readonly region?: string;
  /** Also removed by `dispose()`: the folder the assembly was synthesized into, when it is a temporary one. */
  readonly synthesizedDirectory?: string;
  /** The processors whose runs the local cloud serves: only the functions they reach are run (and checked). @default every processor of the stack */
  readonly processors?: readonly AssemblyProcessor[];
}

/**
 * What the local cloud runs of one stack of a synthesized app: its template with every token resolved to
 * a local value, the functions its processors' runs can reach (each checked runnable: a {@link UsageError} otherwise),
 * state machines, buckets, tables, REST APIs and EventBridge rules.
 */
export function localCloudAssembly(stack: AssemblyStack, options: LocalAssemblyOptions): CloudAssembly {
  const template = stack.template;
  const env = localEnvironment(stack, options.region);
  const apiIds = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::ApiGateway::RestApi').map(([id]) => resolveTokens({ Ref: id }, template, env));
  const localiseApiUrls = (value: any): any => {
    if (typeof value === 'string') {
      return apiIds.reduce((s, id) => s.split(`https://${id}.execute-api.${env.region}.amazonaws.com`).join(options.apiBaseUrl), value);
    }
    if (Array.isArray(value)) return value.map(localiseApiUrls);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, localiseApiUrls(v)]));
    return value;
  };
  const resolveInTemplate = (value: unknown) => resolveTokens(value, template, env);
  const resolve = (value: unknown) => localiseApiUrls(resolveInTemplate(value));
  const describe = constructPathOf(stack);

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'local-functions-'));
  const dispose = () => {
    fs.rmSync(scratch, { recursive: true, force: true });
    if (options.synthesizedDirectory) fs.rmSync(options.synthesizedDirectory, { recursive: true, force: true });
  };
  try {
    const processors = options.processors ?? assemblyProcessors([stack]);
    const triggers = processors.map((processor) => resolveInTemplate(processor.resources.triggerFunctionName));
    const reachable = reachableFunctions(template, resolveInTemplate, triggers);
    const codeOptions = {
      template,
      assemblyDirectory: stack.directory,
      inlineCodeDirectory: path.join(scratch, 'inline'),
      runtimeModulePaths: [runtimeModulesFolder(path.join(scratch, 'runtime'))],
      resolve,
      describe,
    };
    const functions: LocalFunction[] = [];
    let reservedConcurrencyNotRun = 0;
    const stateMachines: LocalStateMachine[] = [];
    const buckets: string[] = [];
    const tables = stackTables(stack, resolve);
    for (const [id, resource] of Object.entries(template.Resources)) {
      const props = resource.Properties ?? {};
      switch (resource.Type) {
        case 'AWS::Lambda::Function':
          if (reachable.has(id)) functions.push(localFunction(id, resource, codeOptions));
          else reservedConcurrencyNotRun += reservedConcurrencyOf(resource, resolve) ?? 0;
          break;
        case 'AWS::StepFunctions::StateMachine': {
          let text: string = props.DefinitionString ? resolve(props.DefinitionString) : JSON.stringify(resolve(props.Definition));
          const substitutions = resolve(props.DefinitionSubstitutions ?? {}) as Record<string, string>;
          for (const [k, v] of Object.entries(substitutions)) text = text.split(`\${${k}}`).join(String(v));
          const arn: string = resolve({ Ref: id });
          stateMachines.push({ arn, name: arn.split(':').pop()!, type: props.StateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD', definition: JSON.parse(text) });
          break;
        }
        case 'AWS::S3::Bucket':
          buckets.push(resolve({ Ref: id }));
          break;
        default: break;
      }
    }
    return {
      stack,
      env,
      template,
      functions,
      reservedConcurrencyNotRun,
      stateMachines,
      buckets,
      tables,
      restApis: restApisOf(template, resolve),
      rules: rulesOf(template.Resources, resolve),
      eventBuses: eventBusesOf(template.Resources, resolve),
      resolve,
      dispose,
    };
  } catch (error) {
    dispose();
    throw error;
  }
}

/** The local account and region of a stack: its own when the app gives them (its template may spell them out), else the local ones. */
export function localEnvironment(stack: AssemblyStack, region = 'us-east-1'): LocalEnvironment {
  return { region: stack.region ?? region, account: stack.account ?? '000000000000', stackName: stack.stackName };
}

/** How the user knows a resource of the stack: its construct path (`MyStack/Financials`). */
function constructPathOf(stack: AssemblyStack): (logicalId: string) => string {
  const paths = constructPaths(stack);
  return (logicalId) => paths.get(logicalId) ?? `${stack.path}/${logicalId}`;
}

/** The DynamoDB tables of a stack, with their construct paths. */
export function stackTables(
  stack: AssemblyStack, resolve = (value: unknown) => resolveTokens(value, stack.template, localEnvironment(stack)),
): LocalTable[] {
  const describe = constructPathOf(stack);
  return Object.entries(stack.template.Resources)
    .filter(([, r]) => r.Type === 'AWS::DynamoDB::Table' || r.Type === 'AWS::DynamoDB::GlobalTable')
    .map(([id, r]) => {
      const props = r.Properties ?? {};
      const keyNames = new Set((props.KeySchema as any[]).map((k) => k.AttributeName));
      return {
        name: resolve({ Ref: id }),
        path: describe(id),
        keySchema: props.KeySchema,
        attributeDefinitions: (props.AttributeDefinitions as any[]).filter((a) => keyNames.has(a.AttributeName)),
      };
    });
}

export interface SynthesizeOptions extends Omit<LocalAssemblyOptions, 'synthesizedDirectory'> {
  /** Builds the stack to run in the given app. */
  readonly createStack: (app: App) => Stack;
}

/** A stack built in this process, synthesized as an app's would be. */
export interface InProcessSynthesis<S extends Stack> {
  readonly stack: S;
  /** The app's stacks, read back from the cloud assembly. */
  readonly stacks: AssemblyStack[];
  /** The cloud assembly folder (temporary). */
  readonly directory: string;
  dispose(): void;
}

/**
 * Synthesizes a stack built in this process, into a temporary cloud assembly with the context the cdk CLI
 * gives an app (asset and path metadata) over the app's own `context` (as its cdk.json would give it, feature
 * flags among them), and reads it back as an app's cloud assembly is read.
 */
export function synthesizeInProcess<S extends Stack>(
  createStack: (app: App) => S,
  context: Readonly<Record<string, unknown>> = {},
): InProcessSynthesis<S> {
  // Required here, not imported: the local tool runs users' apps without loading the CDK itself.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cdk = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'local-cdk-out-'));
  const dispose = () => fs.rmSync(directory, { recursive: true, force: true });
  try {
    const app = new cdk.App({ outdir: directory, context: { ...context, ...SYNTHESIS_CONTEXT } });
    const stack = createStack(app);
    app.synth();
    return { stack, stacks: assemblyStacks(directory), directory, dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}

/** Synthesizes a stack built in this process and reads it as the local cloud runs it (for tests of what the local cloud sees). */
export function synthesize(options: SynthesizeOptions): { assembly: CloudAssembly; stack: Stack } {
  const synthesized = synthesizeInProcess(options.createStack);
  const stack = synthesized.stacks.find((s) => s.path === synthesized.stack.node.path)!;
  try {
    return { assembly: localCloudAssembly(stack, { ...options, synthesizedDirectory: synthesized.directory }), stack: synthesized.stack };
  } catch (error) {
    synthesized.dispose();
    throw error;
  }
}

function restApisOf(template: CfnTemplate, resolve: (v: unknown) => any): LocalRestApi[] {
  const entries = Object.entries(template.Resources);
  return entries.filter(([, r]) => r.Type === 'AWS::ApiGateway::RestApi').map(([apiId]) => {
    const id = resolve({ Ref: apiId });
    const resourcePath = (ref: unknown): string => {
      const resourceId = (ref as any)?.Ref;
      const resource = resourceId && template.Resources[resourceId];
      if (!resource || resource.Type !== 'AWS::ApiGateway::Resource') return '';
      return `${resourcePath(resource.Properties!.ParentId)}/${resource.Properties!.PathPart}`;
    };
    const belongs = (r: any) => r.Properties?.RestApiId?.Ref === apiId;
    const routes: LocalRoute[] = [];
    for (const [, method] of entries.filter(([, r]) => r.Type === 'AWS::ApiGateway::Method' && belongs(r))) {
      const uri: string = String(resolve(method.Properties!.Integration?.Uri ?? ''));
      const fnArnMatch = /functions\/(arn:aws:lambda:[^/]+)\/invocations/.exec(uri);
      if (!fnArnMatch) continue;
      routes.push({
        method: method.Properties!.HttpMethod,
        resourcePath: resourcePath(method.Properties!.ResourceId) || '/',
        functionName: fnArnMatch[1].split(':')[6],
      });
    }
    const stage = entries.find(([, r]) => r.Type === 'AWS::ApiGateway::Stage' && belongs(r));
    return { id, stageName: stage ? resolve(stage[1].Properties!.StageName) : 'prod', routes };
  });
}
