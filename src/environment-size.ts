import { CfnResource, Stack } from 'aws-cdk-lib';
import {
  ARCHIVE_PREFIX, EMAIL_RECIPIENTS, EMAIL_SENDER, ENRICH_FIELDS, ENRICH_URL, OUTPUT_PREFIX, RECORD_SCHEMA, WORK_PREFIX,
} from './contract/handler-environment';

/**
 * Lambda allows 4 KB of environment variables per function, "for all environment variables
 * associated with the function, in aggregate"
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). What it measures is
 * the JSON of the whole map, names, quotes and escapes included: its error quotes the "String
 * measured" as `{"NAME":"value",...}` (https://github.com/github-aws-runners/terraform-aws-github-runner/issues/3594).
 * So a value holding quotes (a JSON Schema) counts each `\"` as two bytes, and each `"` once more.
 * Assumed: 4 KB = 4,096 bytes of that JSON in UTF-8.
 */
export const MAX_ENVIRONMENT_BYTES = 4096;

/**
 * The longest a token's value can be once deployed, by what it refers to. Names and ARNs hold no
 * character JSON escapes. Sources: the services' naming rules (bucket names 3–63 characters, table
 * names 3–255, state machine names 1–80, function names 1–64, alias names 1–128, API Gateway stage
 * names 1–128, REST API ids 10 characters, account ids 12 digits, stack names 1–128). Assumed, for
 * values that have no documented maximum: a region code 20 characters, a partition 16, a URL suffix 20.
 */
const PARTITION = 16;
const REGION = 20;
const ACCOUNT = 12;
/** `arn:<partition>:<service>:<region>:<account>:<resource>` at its longest. */
const arn = (service: string, resource: number) => 'arn:'.length + PARTITION + service.length + REGION + ACCOUNT + 4 + resource;

const PSEUDO_PARAMETERS: Record<string, number> = {
  'AWS::Region': REGION,
  'AWS::Partition': PARTITION,
  'AWS::URLSuffix': 20,
  'AWS::AccountId': ACCOUNT,
  'AWS::StackName': 128,
  'AWS::StackId': arn('cloudformation', 'stack/'.length + 128 + 1 + 36),
};

/** `Ref` of a resource, by type. */
const REFS: Record<string, number> = {
  'AWS::S3::Bucket': 63,
  'AWS::DynamoDB::Table': 255,
  'AWS::StepFunctions::StateMachine': arn('states', 'stateMachine:'.length + 80),
  'AWS::Lambda::Function': 64,
  'AWS::Lambda::Alias': arn('lambda', 'function:'.length + 64 + 1 + 128),
  'AWS::ApiGateway::RestApi': 10,
  'AWS::ApiGateway::Stage': 128,
};

/** `Fn::GetAtt` of a resource, by type and attribute. */
const ATTRIBUTES: Record<string, number> = {
  'AWS::S3::Bucket.Arn': arn('s3', 63),
  'AWS::DynamoDB::Table.Arn': arn('dynamodb', 'table/'.length + 255),
  'AWS::Lambda::Function.Arn': arn('lambda', 'function:'.length + 64),
  'AWS::StepFunctions::StateMachine.Arn': arn('states', 'stateMachine:'.length + 80),
  'AWS::StepFunctions::StateMachine.Name': 80,
  'AWS::SQS::Queue.Arn': arn('sqs', 80),
};

/**
 * Anything else (an imported value, a parameter, another attribute) has no known maximum: it is
 * counted at 1,024 bytes, longer than any name or ARN the construct's props hold.
 */
export const UNKNOWN_TOKEN_BYTES = 1024;

/** What each variable the construct sets comes from, for the error to name the prop to change. */
const PROP_OF_VARIABLE: Record<string, string> = {
  [RECORD_SCHEMA.name]: 'validator: a smaller JSON Schema, or validate with RecordValidator.fromLambda',
  [ENRICH_URL.name]: 'enrichment: a shorter url or path',
  [ENRICH_FIELDS.name]: 'enrichment: fewer or shorter fields',
  [EMAIL_RECIPIENTS.name]: 'email.recipients: fewer or shorter addresses',
  [EMAIL_SENDER.name]: 'email.sender',
  [OUTPUT_PREFIX.name]: 'outputPrefix',
  [ARCHIVE_PREFIX.name]: 'archivePrefix',
  [WORK_PREFIX.name]: 'workPrefix',
};

/** Each variable's share of the measured JSON (`"NAME":"value",`), and the whole, at most. */
export interface EnvironmentSize {
  readonly totalBytes: number;
  readonly variableBytes: { readonly [name: string]: number };
}

/**
 * The most bytes `variables` can take as Lambda measures them, with every token counted at the
 * longest value it can resolve to.
 */
export function maxEnvironmentBytes(stack: Stack, variables: { [name: string]: unknown }): EnvironmentSize {
  return templateEnvironmentBytes(stack.resolve(variables) ?? {}, resourceTypes(stack));
}

/**
 * The same measurement of variables as a template holds them (`Ref`, `Fn::GetAtt`, `Fn::Join`), given the
 * CloudFormation type of each resource by logical id: how the local cloud measures a synthesized function's.
 * @param unknownTokenBytes what a token of no known maximum counts @default UNKNOWN_TOKEN_BYTES
 */
export function templateEnvironmentBytes(
  variables: { [name: string]: unknown },
  types: ReadonlyMap<string, string>,
  unknownTokenBytes: (token: unknown) => number = () => UNKNOWN_TOKEN_BYTES,
): EnvironmentSize {
  const sizes: TokenSizes = { types, unknown: unknownTokenBytes };
  const variableBytes: { [name: string]: number } = {};
  for (const [name, value] of Object.entries(variables)) {
    // "NAME":"value" and the comma that separates it from the next.
    variableBytes[name] = 2 + jsonBytes(name) + 1 + 2 + valueBytes(value, sizes) + 1;
  }
  const count = Object.keys(variableBytes).length;
  // The braces, less the comma after the last variable.
  const totalBytes = Object.values(variableBytes).reduce((sum, bytes) => sum + bytes, 2) - (count > 0 ? 1 : 0);
  return { totalBytes, variableBytes };
}

/**
 * The error for a function whose environment may not fit, naming the largest variables and the
 * props they come from (`originOf`; none named when it answers undefined); undefined when it fits.
 */
export function environmentSizeError(
  functionName: string,
  size: EnvironmentSize,
  originOf: (variable: string) => string | undefined = (variable) => PROP_OF_VARIABLE[variable] ?? 'set by the construct',
): string | undefined {
  if (size.totalBytes <= MAX_ENVIRONMENT_BYTES) return undefined;
  const largest = Object.entries(size.variableBytes).sort(([, a], [, b]) => b - a).slice(0, 3)
    .map(([name, bytes]) => `${name} ${bytes} bytes${originOf(name) ? ` (${originOf(name)})` : ''}`);
  return `the ${functionName} function's environment variables may take ${size.totalBytes} bytes as Lambda measures them `
    + `(the JSON of all of them, escapes included, tokens at their longest), more than Lambda's ${MAX_ENVIRONMENT_BYTES}; `
    + `the largest: ${largest.join(', ')}`;
}

/** UTF-8 bytes of a string in JSON, without its quotes. */
function jsonBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text), 'utf8') - 2;
}

interface TokenSizes {
  readonly types: ReadonlyMap<string, string>;
  readonly unknown: (token: unknown) => number;
}

function valueBytes(value: unknown, sizes: TokenSizes): number {
  if (typeof value === 'string') return jsonBytes(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).length;
  const intrinsic = value as { [fn: string]: any };
  if (Array.isArray(intrinsic['Fn::Join'])) {
    const [separator, parts] = intrinsic['Fn::Join'] as [string, unknown[]];
    return parts.reduce<number>((sum, part) => sum + valueBytes(part, sizes), 0) + jsonBytes(separator) * Math.max(0, parts.length - 1);
  }
  if (typeof intrinsic.Ref === 'string') {
    return PSEUDO_PARAMETERS[intrinsic.Ref] ?? REFS[sizes.types.get(intrinsic.Ref) ?? ''] ?? sizes.unknown(value);
  }
  if (Array.isArray(intrinsic['Fn::GetAtt'])) {
    const [logicalId, attribute] = intrinsic['Fn::GetAtt'] as [string, string];
    return ATTRIBUTES[`${sizes.types.get(logicalId)}.${attribute}`] ?? sizes.unknown(value);
  }
  return sizes.unknown(value);
}

/** The CloudFormation type of each resource of the stack, by logical id. */
function resourceTypes(stack: Stack): Map<string, string> {
  const types = new Map<string, string>();
  for (const construct of stack.node.findAll()) {
    if (CfnResource.isCfnResource(construct) && Stack.of(construct) === stack) {
      types.set(stack.resolve(construct.logicalId), construct.cfnResourceType);
    }
  }
  return types;
}
