/**
 * Resolves the CloudFormation intrinsics of a synthesized template (Ref, Fn::GetAtt, Fn::Join,
 * Fn::Sub, Fn::Select, Fn::Split, pseudo parameters) to the local names and ARNs the runner uses.
 */
import { UsageError } from '../shared/usage-error';

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly Metadata?: Record<string, any>;
}

export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
  readonly Parameters?: Record<string, { Default?: unknown }>;
}

export interface LocalEnvironment {
  readonly region: string;
  readonly account: string;
  readonly stackName: string;
}

/** Bucket names must be lowercase; the logical ID is unique within the template, so it stays unique. */
export function localBucketName(logicalId: string): string {
  return logicalId.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 63);
}

/** The value `Ref` returns for a resource, by type (as CloudFormation documents per type). */
function refOf(logicalId: string, resource: CfnResource, env: LocalEnvironment): string {
  const props = resource.Properties ?? {};
  switch (resource.Type) {
    case 'AWS::S3::Bucket': return typeof props.BucketName === 'string' ? props.BucketName : localBucketName(logicalId);
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable': return typeof props.TableName === 'string' ? props.TableName : logicalId;
    case 'AWS::Lambda::Function': return typeof props.FunctionName === 'string' ? props.FunctionName : logicalId;
    case 'AWS::StepFunctions::StateMachine': return stateMachineArn(typeof props.StateMachineName === 'string' ? props.StateMachineName : logicalId, env);
    case 'AWS::ApiGateway::RestApi': return logicalId.toLowerCase();
    case 'AWS::ApiGateway::Stage': return typeof props.StageName === 'string' ? props.StageName : logicalId;
    case 'AWS::IAM::Role': return logicalId;
    case 'AWS::SQS::Queue': return `https://sqs.${env.region}.amazonaws.com/${env.account}/${logicalId}`;
    case 'AWS::SES::EmailIdentity': return typeof props.EmailIdentity === 'string' ? props.EmailIdentity : logicalId;
    case 'AWS::Events::EventBus':
    case 'AWS::Events::Rule': return typeof props.Name === 'string' ? props.Name : logicalId;
    case 'AWS::Lambda::LayerVersion': return `arn:aws:lambda:${env.region}:${env.account}:layer:${typeof props.LayerName === 'string' ? props.LayerName : logicalId}:1`;
    default: return logicalId;
  }
}

export function stateMachineArn(name: string, env: LocalEnvironment): string {
  return `arn:aws:states:${env.region}:${env.account}:stateMachine:${name}`;
}

/**
 * A rule's ARN: `rule/<name>` on the default bus, `rule/<bus>/<name>` on another
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html#amazoneventbridge-resources-for-iam-policies).
 */
function eventRuleArn(name: string, eventBus: unknown, template: CfnTemplate, env: LocalEnvironment): string {
  const bus = eventBus === undefined ? 'default' : String(resolveTokens(eventBus, template, env)).split('event-bus/').pop()!;
  return `arn:aws:events:${env.region}:${env.account}:rule/${bus === 'default' ? '' : `${bus}/`}${name}`;
}

export function functionArn(name: string, env: LocalEnvironment): string {
  return `arn:aws:lambda:${env.region}:${env.account}:function:${name}`;
}

function getAtt(logicalId: string, attribute: string, template: CfnTemplate, env: LocalEnvironment): string {
  const resource = template.Resources[logicalId];
  if (!resource) throw new Error(`Fn::GetAtt of unknown resource ${logicalId}`);
  const ref = refOf(logicalId, resource, env);
  const { region, account } = env;
  switch (`${resource.Type}.${attribute}`) {
    case 'AWS::S3::Bucket.Arn': return `arn:aws:s3:::${ref}`;
    case 'AWS::S3::Bucket.DomainName':
    case 'AWS::S3::Bucket.RegionalDomainName': return `${ref}.s3.${region}.amazonaws.com`;
    case 'AWS::DynamoDB::Table.Arn':
    case 'AWS::DynamoDB::GlobalTable.Arn': return `arn:aws:dynamodb:${region}:${account}:table/${ref}`;
    case 'AWS::DynamoDB::Table.StreamArn': return `arn:aws:dynamodb:${region}:${account}:table/${ref}/stream/local`;
    case 'AWS::Lambda::Function.Arn': return functionArn(ref, env);
    case 'AWS::StepFunctions::StateMachine.Name': return ref.split(':').pop()!;
    case 'AWS::StepFunctions::StateMachine.Arn': return ref;
    case 'AWS::IAM::Role.Arn': return `arn:aws:iam::${account}:role/${ref}`;
    case 'AWS::ApiGateway::RestApi.RootResourceId': return `${ref}-root`;
    case 'AWS::Logs::LogGroup.Arn': return `arn:aws:logs:${region}:${account}:log-group:${ref}:*`;
    case 'AWS::KMS::Key.Arn': return `arn:aws:kms:${region}:${account}:key/${ref}`;
    case 'AWS::SQS::Queue.Arn': return `arn:aws:sqs:${region}:${account}:${logicalId}`;
    case 'AWS::Events::EventBus.Arn': return `arn:aws:events:${region}:${account}:event-bus/${ref}`;
    case 'AWS::Events::Rule.Arn': return eventRuleArn(ref, resource.Properties?.EventBusName, template, env);
    default: return `${ref}.${attribute}`;
  }
}

function pseudo(name: string, env: LocalEnvironment): string | undefined {
  switch (name) {
    case 'AWS::Region': return env.region;
    case 'AWS::AccountId': return env.account;
    case 'AWS::Partition': return 'aws';
    case 'AWS::URLSuffix': return 'amazonaws.com';
    case 'AWS::StackName': return env.stackName;
    case 'AWS::StackId': return `arn:aws:cloudformation:${env.region}:${env.account}:stack/${env.stackName}/local`;
    default: return undefined;
  }
}

function resolveRef(name: string, template: CfnTemplate, env: LocalEnvironment): unknown {
  const p = pseudo(name, env);
  if (p !== undefined) return p;
  const resource = template.Resources[name];
  if (resource) return refOf(name, resource, env);
  const parameter = template.Parameters?.[name];
  if (parameter) return parameter.Default;
  throw new Error(`Ref to unknown ${name}`);
}

function substitute(text: string, variables: Record<string, unknown>, template: CfnTemplate, env: LocalEnvironment): string {
  return text.replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) => {
    if (name in variables) return String(variables[name]);
    const dot = name.indexOf('.');
    if (dot > 0 && !name.startsWith('AWS::')) return getAtt(name.slice(0, dot), name.slice(dot + 1), template, env);
    return String(resolveRef(name, template, env));
  }).replace(/\$\{!/g, '${');
}

/** Returns `value` with every intrinsic function replaced by its local value. */
export function resolveTokens(value: unknown, template: CfnTemplate, env: LocalEnvironment): any {
  const resolve = (v: unknown): any => resolveTokens(v, template, env);
  if (Array.isArray(value)) return value.map(resolve);
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, any>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const [key] = keys;
    const arg = obj[key];
    switch (key) {
      case 'Ref': return resolveRef(arg, template, env);
      case 'Fn::GetAtt': {
        const [id, attr] = Array.isArray(arg) ? arg : String(arg).split(/\.(.+)/);
        return getAtt(id, resolve(attr), template, env);
      }
      case 'Fn::Join': {
        const [sep, parts] = arg;
        return (resolve(parts) as unknown[]).join(sep);
      }
      case 'Fn::Sub': {
        const [text, variables] = Array.isArray(arg) ? arg : [arg, {}];
        return substitute(text, resolve(variables ?? {}), template, env);
      }
      case 'Fn::Select': {
        const [index, list] = arg;
        return resolve(list)[Number(resolve(index))];
      }
      case 'Fn::Split': {
        const [sep, source] = arg;
        return String(resolve(source)).split(sep);
      }
      case 'Fn::Base64': return Buffer.from(String(resolve(arg))).toString('base64');
      case 'Fn::GetAZs': return [`${env.region}a`, `${env.region}b`];
      case 'Fn::ImportValue':
        throw new UsageError(`the stack ${env.stackName} imports ${JSON.stringify(arg)} from another stack (Fn::ImportValue): the local cloud runs `
          + 'the processor\'s stack alone; keep what the processor uses in its stack to run it locally');
      default: break;
    }
  }
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = resolve(v);
  return out;
}
