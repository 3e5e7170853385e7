/**
 * The IAM picture of a synthesized template, tokens resolved to the local names and ARNs the runner uses
 * (`../token-resolver.ts`): each role's identity-based policies, who runs as which role, the resource-based
 * policies AWS applies (bucket policies, Lambda function policies, KMS key policies), the KMS key of each
 * SSE-KMS bucket, and the REST API methods that require IAM (`AWS_IAM`) authorization.
 */
import { AWS_MANAGED_POLICIES } from './managed-policies';
import { NamedPolicy, normalizeDocument, PolicyDocument, PolicyStatement, PrincipalElement } from './policy-document';
import { CfnResource, CfnTemplate, LocalEnvironment, resolveTokens } from '../template/token-resolver';

/** A resource-based policy and the resources it is attached to (ARN patterns). */
export interface ResourcePolicy {
  readonly resources: readonly string[];
  readonly policy: NamedPolicy;
  /** A KMS key policy: identity policies count only if it allows the account. */
  readonly keyPolicy?: boolean;
}

/** A REST API method whose callers must sign with IAM (`AuthorizationType: AWS_IAM`). */
export interface IamAuthorizedMethod {
  readonly apiId: string;
  readonly httpMethod: string;
  /** With `{param}` placeholders, e.g. `/financials/{uuid}`. */
  readonly resourcePath: string;
}

export interface TemplatePolicies {
  /** Identity-based policies by role ARN. */
  readonly roles: ReadonlyMap<string, readonly NamedPolicy[]>;
  /** The role ARN of each function, by function name. */
  readonly functionRoles: ReadonlyMap<string, string>;
  /** The role ARN of each state machine, by state machine ARN. */
  readonly stateMachineRoles: ReadonlyMap<string, string>;
  readonly resourcePolicies: readonly ResourcePolicy[];
  /** The customer managed KMS key ARN of each bucket encrypted with SSE-KMS, by bucket name. */
  readonly bucketKeys: ReadonlyMap<string, string>;
  readonly iamAuthorizedMethods: readonly IamAuthorizedMethod[];
}

/**
 * CloudFormation drops `Ref: AWS::NoValue` from lists and objects
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html#cfn-pseudo-param-novalue);
 * CDK leaves one in grants on tables without indexes.
 */
function withoutNoValue(value: unknown): unknown {
  const isNoValue = (v: unknown) => (v as any)?.Ref === 'AWS::NoValue';
  if (Array.isArray(value)) return value.filter((v) => !isNoValue(v)).map(withoutNoValue);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => !isNoValue(v)).map(([k, v]) => [k, withoutNoValue(v)]));
  }
  return value;
}

/** The statement AWS Lambda adds to a function's policy for one `AddPermission` (`AWS::Lambda::Permission`). */
function permissionStatement(props: Record<string, any>, functionArn: string): PolicyStatement {
  const principal = String(props.Principal);
  const principalElement: PrincipalElement = principal === '*' ? '*'
    : /^\d{12}$/.test(principal) ? { AWS: `arn:aws:iam::${principal}:root` }
      : principal.startsWith('arn:') ? { AWS: principal } : { Service: principal };
  // As Lambda writes them: https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html
  const condition: Record<string, Record<string, string>> = {};
  if (props.SourceAccount) condition.StringEquals = { 'AWS:SourceAccount': String(props.SourceAccount) };
  if (props.SourceArn) condition.ArnLike = { 'AWS:SourceArn': String(props.SourceArn) };
  if (props.PrincipalOrgID) condition.StringEquals = { ...condition.StringEquals, 'aws:PrincipalOrgID': String(props.PrincipalOrgID) };
  return {
    Effect: 'Allow',
    Principal: principalElement,
    Action: String(props.Action),
    Resource: functionArn,
    ...(Object.keys(condition).length ? { Condition: condition } : {}),
  };
}

function resourcePathOf(template: CfnTemplate, ref: unknown): string {
  const id = (ref as any)?.Ref;
  const resource = id && template.Resources[id];
  if (!resource || resource.Type !== 'AWS::ApiGateway::Resource') return '';
  return `${resourcePathOf(template, resource.Properties!.ParentId)}/${resource.Properties!.PathPart}`;
}

export interface TemplatePoliciesOptions {
  /** Documents of AWS managed policies beyond `AWS_MANAGED_POLICIES`, by ARN. */
  readonly managedPolicies?: Readonly<Record<string, PolicyDocument>>;
}

/** Reads the template's IAM picture; throws naming anything it cannot model (an unknown managed policy, element or operator). */
export function templatePolicies(template: CfnTemplate, env: LocalEnvironment, options: TemplatePoliciesOptions = {}): TemplatePolicies {
  const resolve = (value: unknown) => resolveTokens(withoutNoValue(value), template, env);
  const roleArn = (name: string) => (name.startsWith('arn:') ? name : `arn:aws:iam::${env.account}:role/${name}`);
  const managed = { ...AWS_MANAGED_POLICIES, ...options.managedPolicies };
  const entries = Object.entries(template.Resources);
  const ofType = (type: string) => entries.filter(([, r]) => r.Type === type) as Array<[string, CfnResource]>;

  const roles = new Map<string, NamedPolicy[]>();
  const attach = (role: string, policy: NamedPolicy) => roles.set(roleArn(role), [...roles.get(roleArn(role)) ?? [], policy]);
  const customerManaged = (id: string) => template.Resources[id]?.Type === 'AWS::IAM::ManagedPolicy';

  for (const [id, role] of ofType('AWS::IAM::Role')) {
    const props = resolve(role.Properties ?? {});
    const arn: string = resolve({ 'Fn::GetAtt': [id, 'Arn'] });
    roles.set(arn, roles.get(arn) ?? []);
    for (const inline of props.Policies ?? []) attach(arn, normalizeDocument(inline.PolicyDocument, `inline policy ${inline.PolicyName} of role ${id}`));
    for (const policyArn of props.ManagedPolicyArns ?? []) {
      if (customerManaged(policyArn)) continue; // Attached below, from the managed policy's side.
      const document = managed[policyArn];
      if (!document) throw new Error(`role ${id} attaches ${policyArn}, whose document the local IAM engine does not have: pass it in managedPolicies`);
      attach(arn, normalizeDocument(document, `AWS managed policy ${policyArn.split('/').pop()}`));
    }
    for (const policyArn of (props.ManagedPolicyArns ?? []).filter(customerManaged)) {
      attach(arn, normalizeDocument(resolve(template.Resources[policyArn].Properties!.PolicyDocument), `managed policy ${policyArn}`));
    }
  }
  for (const [id, policy] of [...ofType('AWS::IAM::Policy'), ...ofType('AWS::IAM::ManagedPolicy')]) {
    const props = resolve(policy.Properties ?? {});
    const kind = policy.Type === 'AWS::IAM::Policy' ? 'inline policy' : 'managed policy';
    for (const role of props.Roles ?? []) attach(role, normalizeDocument(props.PolicyDocument, `${kind} ${props.PolicyName ?? props.ManagedPolicyName ?? id}`));
  }

  const functionRoles = new Map(ofType('AWS::Lambda::Function').map(([id, fn]) => [resolve({ Ref: id }) as string, resolve(fn.Properties!.Role) as string]));
  const stateMachineRoles = new Map(ofType('AWS::StepFunctions::StateMachine').map(([id, sm]) => [resolve({ Ref: id }) as string, resolve(sm.Properties!.RoleArn) as string]));

  const resourcePolicies: ResourcePolicy[] = [];
  for (const [, bucketPolicy] of ofType('AWS::S3::BucketPolicy')) {
    const props = resolve(bucketPolicy.Properties);
    const bucket = String(props.Bucket);
    resourcePolicies.push({ resources: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`], policy: normalizeDocument(props.PolicyDocument, `bucket policy of ${bucket}`) });
  }
  const permissionsByFunction = new Map<string, PolicyStatement[]>();
  for (const [, permission] of ofType('AWS::Lambda::Permission')) {
    const props = resolve(permission.Properties);
    const name = String(props.FunctionName);
    const functionArn = name.startsWith('arn:') ? name : `arn:aws:lambda:${env.region}:${env.account}:function:${name}`;
    permissionsByFunction.set(functionArn, [...permissionsByFunction.get(functionArn) ?? [], permissionStatement(props, functionArn)]);
  }
  for (const [functionArn, statements] of permissionsByFunction) {
    resourcePolicies.push({ resources: [functionArn], policy: normalizeDocument({ Version: '2012-10-17', Statement: statements }, `function policy of ${functionArn.split(':').pop()}`) });
  }
  for (const [id, key] of ofType('AWS::KMS::Key')) {
    const keyArn: string = resolve({ 'Fn::GetAtt': [id, 'Arn'] });
    resourcePolicies.push({ resources: [keyArn], policy: normalizeDocument(resolve(key.Properties!.KeyPolicy), `key policy of ${id}`), keyPolicy: true });
  }

  const bucketKeys = new Map<string, string>();
  for (const [id, bucket] of ofType('AWS::S3::Bucket')) {
    const rules = resolve(bucket.Properties?.BucketEncryption?.ServerSideEncryptionConfiguration ?? []);
    const kmsKey = rules.map((r: any) => r.ServerSideEncryptionByDefault).find((d: any) => String(d?.SSEAlgorithm).startsWith('aws:kms') && d.KMSMasterKeyID);
    if (kmsKey) bucketKeys.set(resolve({ Ref: id }), String(kmsKey.KMSMasterKeyID));
  }

  const iamAuthorizedMethods = ofType('AWS::ApiGateway::Method')
    .filter(([, method]) => method.Properties?.AuthorizationType === 'AWS_IAM')
    .map(([, method]) => ({
      apiId: resolve(method.Properties!.RestApiId) as string,
      httpMethod: String(method.Properties!.HttpMethod),
      resourcePath: resourcePathOf(template, method.Properties!.ResourceId) || '/',
    }));

  return { roles, functionRoles, stateMachineRoles, resourcePolicies, bucketKeys, iamAuthorizedMethods };
}
