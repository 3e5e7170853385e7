import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { CfnTemplate, LocalEnvironment, resolveTokens } from './token-resolver';
import { eventBusesOf, LocalRule, rulesOf } from '../engine/event-bridge';
import { LocalStateMachine } from '../engine/step-functions';
import { LocalFunction } from '../lambda/lambda-host';

/** A DynamoDB table to create in the stand-in, as the template declares it. */
export interface LocalTable {
  readonly name: string;
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
  readonly env: LocalEnvironment;
  readonly template: CfnTemplate;
  readonly functions: LocalFunction[];
  readonly stateMachines: LocalStateMachine[];
  readonly buckets: string[];
  readonly tables: LocalTable[];
  readonly restApis: LocalRestApi[];
  /** The EventBridge rules, with their patterns and targets. */
  readonly rules: LocalRule[];
  /** The event buses: `default` and those the template declares. */
  readonly eventBuses: string[];
  /** Resolves a construct attribute (a token such as `bucket.bucketName`) to its local value. */
  resolve(value: unknown): any;
  /** Removes the synthesized assembly folder. */
  dispose(): void;
}

export interface SynthesizeOptions {
  /** Builds the stack to run in the given app. */
  readonly createStack: (app: App) => Stack;
  /** The local base URL of the REST APIs' endpoint (`http://127.0.0.1:port`), which replaces `https://<id>.execute-api.<region>.amazonaws.com`. */
  readonly apiBaseUrl: string;
  readonly region?: string;
}

/**
 * Synthesizes the stack with asset metadata on (each function names its bundled asset folder in the
 * assembly) and turns the template into what the runner needs, every token resolved to a local value.
 */
export function synthesize(options: SynthesizeOptions): { assembly: CloudAssembly; stack: Stack } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-cdk-out-'));
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = options.createStack(app);
  const cloudAssembly = app.synth();
  const artifact = cloudAssembly.getStackByName(stack.stackName);
  const template = artifact.template as CfnTemplate;
  const env: LocalEnvironment = { region: options.region ?? 'us-east-1', account: '000000000000', stackName: stack.stackName };

  const apiIds = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::ApiGateway::RestApi').map(([id]) => resolveTokens({ Ref: id }, template, env));
  const localiseApiUrls = (value: any): any => {
    if (typeof value === 'string') {
      return apiIds.reduce((s, id) => s.split(`https://${id}.execute-api.${env.region}.amazonaws.com`).join(options.apiBaseUrl), value);
    }
    if (Array.isArray(value)) return value.map(localiseApiUrls);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, localiseApiUrls(v)]));
    return value;
  };
  const resolve = (value: unknown) => localiseApiUrls(resolveTokens(value, template, env));

  const functions: LocalFunction[] = [];
  const stateMachines: LocalStateMachine[] = [];
  const buckets: string[] = [];
  const tables: LocalTable[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    const props = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::Lambda::Function': {
        const assetPath = resource.Metadata?.['aws:asset:path'];
        // Functions without an asset (inline custom-resource providers) are not part of the pipeline.
        if (!assetPath) break;
        const [file, handlerExport] = String(props.Handler ?? 'index.handler').split(/\.(?=[^.]+$)/);
        functions.push({
          name: resolve({ Ref: id }),
          entry: path.join(outdir, assetPath, `${file}.js`),
          handlerExport,
          environment: resolve(props.Environment?.Variables ?? {}),
          timeoutSeconds: props.Timeout ?? 3,
          memoryMb: props.MemorySize ?? 128,
          architecture: props.Architectures?.[0] === 'arm64' ? 'arm64' : 'x86_64',
        });
        break;
      }
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
      case 'AWS::DynamoDB::Table': {
        const keyNames = new Set((props.KeySchema as any[]).map((k) => k.AttributeName));
        tables.push({
          name: resolve({ Ref: id }),
          keySchema: props.KeySchema,
          attributeDefinitions: (props.AttributeDefinitions as any[]).filter((a) => keyNames.has(a.AttributeName)),
        });
        break;
      }
      default: break;
    }
  }

  const assembly: CloudAssembly = {
    env,
    template,
    functions,
    stateMachines,
    buckets,
    tables,
    restApis: restApisOf(template, resolve),
    rules: rulesOf(template.Resources, resolve),
    eventBuses: eventBusesOf(template.Resources, resolve),
    resolve: (value) => resolve(stack.resolve(value)),
    dispose: () => fs.rmSync(outdir, { recursive: true, force: true }),
  };
  return { assembly, stack };
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
