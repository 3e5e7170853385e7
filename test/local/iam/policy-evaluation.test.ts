import { PolicyDocument, normalizeDocument } from '../../../local/iam/policy-document';
import { AuthorizationCheck, evaluate, Principal } from '../../../local/iam/policy-evaluation';

const account = '111122223333';
const role: Principal = {
  kind: 'role',
  roleArn: `arn:aws:iam::${account}:role/carlos`,
  sessionArn: `arn:aws:sts::${account}:assumed-role/carlos/session`,
  account,
};
const s3Service: Principal = { kind: 'service', service: 's3.amazonaws.com' };

const policy = (document: PolicyDocument, name = 'test policy') => normalizeDocument(document, name);
const allowed = (
  check: AuthorizationCheck, identity: PolicyDocument[], resource: PolicyDocument[] = [], principal: Principal = role, keyPolicy = false,
) =>
  evaluate(principal, check, { identity: identity.map((d) => policy(d)), resource: resource.map((d) => policy(d)), keyPolicy });

describe('the IAM documentation\'s single-account example (reference_policies_evaluation-logic_policy-eval-basics.html)', () => {
  // The identity policy of the carlossalazar user, as the page shows it.
  const carlos: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AllowS3ListRead', Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:GetAccountPublicAccessBlock', 's3:ListAccessPoints', 's3:ListAllMyBuckets'], Resource: 'arn:aws:s3:::*' },
      { Sid: 'AllowS3Self', Effect: 'Allow', Action: 's3:*', Resource: ['arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/*', 'arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar'] },
      { Sid: 'DenyS3Logs', Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::*log*' },
    ],
  };

  test('saving a file to the -logs bucket is refused by the explicit deny', () => {
    const decision = allowed({ action: 's3:PutObject', resource: 'arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar-logs/file.txt' }, [carlos]);
    expect(decision).toMatchObject({ allowed: false, denial: { kind: 'explicit', policyType: 'identity-based', policy: 'test policy' } });
  });

  test('his own bucket is his, through the wildcard resource', () => {
    expect(allowed({ action: 's3:PutObject', resource: 'arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/a/b/file.txt' }, [carlos]).allowed).toBe(true);
    expect(allowed({ action: 's3:ListBucket', resource: 'arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar' }, [carlos]).allowed).toBe(true);
    expect(allowed({ action: 's3:ListAllMyBuckets', resource: 'arn:aws:s3:::' }, [carlos]).allowed).toBe(true);
  });

  test('an explicit deny wins over the allow that also matches (his own bucket\'s name contains "log" too)', () => {
    const withLogName: PolicyDocument = { Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::catalog/*' }, { Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::*log*' }] };
    expect(allowed({ action: 's3:GetObject', resource: 'arn:aws:s3:::catalog/x' }, [withLogName])).toMatchObject({ allowed: false, denial: { kind: 'explicit' } });
  });

  test('anything no statement allows is implicitly denied', () => {
    expect(allowed({ action: 's3:PutObject', resource: 'arn:aws:s3:::someone-else/file.txt' }, [carlos]))
      .toMatchObject({ allowed: false, denial: { kind: 'implicit', policyType: 'identity-based' } });
    expect(allowed({ action: 'dynamodb:GetItem', resource: 'arn:aws:dynamodb:us-east-1:111122223333:table/t' }, [carlos]).allowed).toBe(false);
  });

  test('same account: a resource policy that allows the principal suffices without an identity allow, and the reverse', () => {
    const bucketPolicy: PolicyDocument = { Statement: [{ Effect: 'Allow', Principal: { AWS: role.kind === 'role' ? role.roleArn : '' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared/*' }] };
    expect(allowed({ action: 's3:GetObject', resource: 'arn:aws:s3:::shared/x' }, [], [bucketPolicy]).allowed).toBe(true);
    expect(allowed({ action: 's3:PutObject', resource: 'arn:aws:s3:::shared/x' }, [], [bucketPolicy]).allowed).toBe(false);
    expect(allowed({ action: 's3:GetObject', resource: 'arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/x' }, [carlos], [bucketPolicy]).allowed).toBe(true);
  });

  test('an explicit deny in the resource policy wins over an identity allow', () => {
    const bucketPolicy: PolicyDocument = { Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/*' }] };
    expect(allowed({ action: 's3:DeleteObject', resource: 'arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/x' }, [carlos], [bucketPolicy]))
      .toMatchObject({ allowed: false, denial: { kind: 'explicit', policyType: 'resource-based' } });
  });
});

describe('NotAction and NotResource (reference_policies_examples_s3_deny-except-bucket.html)', () => {
  // "Amazon S3: Limits managing to a specific S3 bucket", as the IAM documentation shows it.
  const onlyBucket: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 's3:*', Resource: ['arn:aws:s3:::bucket-name', 'arn:aws:s3:::bucket-name/*'] },
      { Effect: 'Deny', NotAction: 's3:*', NotResource: ['arn:aws:s3:::bucket-name', 'arn:aws:s3:::bucket-name/*'] },
    ],
  };
  const everything: PolicyDocument = { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

  test('S3 actions on the bucket stay allowed', () => {
    expect(allowed({ action: 's3:GetObject', resource: 'arn:aws:s3:::bucket-name/k' }, [onlyBucket, everything]).allowed).toBe(true);
  });

  test('every other service is denied, whatever another policy allows', () => {
    expect(allowed({ action: 'ec2:RunInstances', resource: 'arn:aws:ec2:us-east-1:111122223333:instance/*' }, [onlyBucket, everything]))
      .toMatchObject({ allowed: false, denial: { kind: 'explicit' } });
  });

  test('S3 actions elsewhere are not denied by it (NotAction excludes them), only not allowed by it', () => {
    expect(allowed({ action: 's3:GetObject', resource: 'arn:aws:s3:::other/k' }, [onlyBucket]).denial?.kind).toBe('implicit');
    expect(allowed({ action: 's3:GetObject', resource: 'arn:aws:s3:::other/k' }, [onlyBucket, everything]).allowed).toBe(true);
  });
});

describe('conditions (reference_policies_elements_condition_operators.html)', () => {
  const check = (context: Record<string, any>): AuthorizationCheck => ({ action: 's3:ListBucket', resource: 'arn:aws:s3:::b', context });
  const withCondition = (condition: any): PolicyDocument => ({ Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b', Condition: condition }] });

  test('StringLike: wildcards in the policy value, any of several values', () => {
    const home = withCondition({ StringLike: { 's3:prefix': ['home/*', 'shared/'] } });
    expect(allowed(check({ 's3:prefix': 'home/carlos/' }), [home]).allowed).toBe(true);
    expect(allowed(check({ 's3:prefix': 'shared/' }), [home]).allowed).toBe(true);
    expect(allowed(check({ 's3:prefix': 'private/' }), [home]).allowed).toBe(false);
    // A key the request does not carry matches no positive operator, not even '*'.
    expect(allowed(check({}), [withCondition({ StringLike: { 's3:prefix': '*' } })]).allowed).toBe(false);
  });

  test('Bool with aws:SecureTransport: the bucket policy that denies plain-HTTP requests', () => {
    const enforceSsl: PolicyDocument = {
      Statement: [{ Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
    };
    const reader: PolicyDocument = { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] };
    const get = (secure: boolean) => allowed({ action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: { 'aws:SecureTransport': secure } }, [reader], [enforceSsl]);
    expect(get(true).allowed).toBe(true);
    expect(get(false)).toMatchObject({ allowed: false, denial: { kind: 'explicit', policyType: 'resource-based' } });
  });

  test('every key of an operator and every operator must hold (AND); key names are case-insensitive', () => {
    const both = withCondition({ StringEquals: { 'aws:PrincipalAccount': account, 's3:delimiter': '/' }, NumericLessThanEquals: { 's3:max-keys': '100' } });
    expect(allowed(check({ 'aws:PrincipalAccount': account, 's3:delimiter': '/', 's3:max-keys': '10' }), [both]).allowed).toBe(true);
    expect(allowed(check({ 'aws:principalaccount': account, 'S3:Delimiter': '/', 's3:max-keys': '10' }), [both]).allowed).toBe(true);
    expect(allowed(check({ 'aws:PrincipalAccount': account, 's3:delimiter': '-', 's3:max-keys': '10' }), [both]).allowed).toBe(false);
    expect(allowed(check({ 'aws:PrincipalAccount': account, 's3:delimiter': '/', 's3:max-keys': '1000' }), [both]).allowed).toBe(false);
  });

  test('negated operators hold when the key is absent; …IfExists holds when it is absent; Null tests presence', () => {
    expect(allowed(check({}), [withCondition({ StringNotEquals: { 's3:prefix': 'secret/' } })]).allowed).toBe(true);
    expect(allowed(check({ 's3:prefix': 'secret/' }), [withCondition({ StringNotEquals: { 's3:prefix': ['secret/', 'x/'] } })]).allowed).toBe(false);
    expect(allowed(check({}), [withCondition({ StringEqualsIfExists: { 's3:prefix': 'home/' } })]).allowed).toBe(true);
    expect(allowed(check({ 's3:prefix': 'other/' }), [withCondition({ StringEqualsIfExists: { 's3:prefix': 'home/' } })]).allowed).toBe(false);
    expect(allowed(check({}), [withCondition({ Null: { 's3:prefix': 'true' } })]).allowed).toBe(true);
    expect(allowed(check({ 's3:prefix': 'a' }), [withCondition({ Null: { 's3:prefix': 'true' } })]).allowed).toBe(false);
  });

  test('ForAllValues and ForAnyValue over a multivalued key', () => {
    const all = withCondition({ 'ForAllValues:StringLike': { 'ses:Recipients': '*@example.com' } });
    const any = withCondition({ 'ForAnyValue:StringEquals': { 'ses:Recipients': 'ops@example.com' } });
    expect(allowed(check({ 'ses:Recipients': ['a@example.com', 'b@example.com'] }), [all]).allowed).toBe(true);
    expect(allowed(check({ 'ses:Recipients': ['a@example.com', 'b@elsewhere.org'] }), [all]).allowed).toBe(false);
    expect(allowed(check({}), [all]).allowed).toBe(true);
    expect(allowed(check({ 'ses:Recipients': ['x@example.com', 'ops@example.com'] }), [any]).allowed).toBe(true);
    expect(allowed(check({}), [any]).allowed).toBe(false);
  });

  test('ArnLike matches component by component; policy variables take the request\'s values', () => {
    const fromBucket = withCondition({ ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::orders-*' } });
    expect(allowed(check({ 'aws:SourceArn': 'arn:aws:s3:::orders-bucket' }), [fromBucket]).allowed).toBe(true);
    expect(allowed(check({ 'aws:SourceArn': 'arn:aws:sqs:us-east-1:1:orders-bucket' }), [fromBucket]).allowed).toBe(false);
    const own: PolicyDocument = { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::home/${aws:PrincipalAccount}/*' }] };
    expect(allowed({ action: 's3:GetObject', resource: `arn:aws:s3:::home/${account}/x`, context: { 'aws:PrincipalAccount': account } }, [own]).allowed).toBe(true);
    expect(allowed({ action: 's3:GetObject', resource: 'arn:aws:s3:::home/999999999999/x', context: { 'aws:PrincipalAccount': account } }, [own]).allowed).toBe(false);
  });

  test('an operator the engine does not model fails when the policy is read, naming it', () => {
    expect(() => policy({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringMatchesRegex: { 'aws:x': 'y' } } }] }))
      .toThrow(/StringMatchesRegex is not modelled/);
  });
});

describe('actions and resources', () => {
  test('action names match case-insensitively, with wildcards', () => {
    const doc: PolicyDocument = { Statement: [{ Effect: 'Allow', Action: ['s3:getobject*', 'states:Describe*'], Resource: '*' }] };
    expect(allowed({ action: 's3:GetObjectVersion', resource: 'arn:aws:s3:::b/k' }, [doc]).allowed).toBe(true);
    expect(allowed({ action: 'states:DescribeExecution', resource: 'arn:aws:states:us-east-1:1:execution:m:e' }, [doc]).allowed).toBe(true);
    expect(allowed({ action: 's3:PutObject', resource: 'arn:aws:s3:::b/k' }, [doc]).allowed).toBe(false);
  });

  test('a wildcard in the resource part of an ARN spans ":" (Step Functions execution ARNs)', () => {
    const doc: PolicyDocument = { Statement: [{ Effect: 'Allow', Action: 'states:DescribeExecution', Resource: 'arn:aws:states:us-east-1:1:execution:Chunks*' }] };
    expect(allowed({ action: 'states:DescribeExecution', resource: 'arn:aws:states:us-east-1:1:execution:Chunks:run-1' }, [doc]).allowed).toBe(true);
    expect(allowed({ action: 'states:DescribeExecution', resource: 'arn:aws:states:us-east-1:2:execution:Chunks:run-1' }, [doc]).allowed).toBe(false);
  });
});

describe('principals', () => {
  const invokeFromBucket: PolicyDocument = {
    Statement: [{
      Effect: 'Allow',
      Principal: { Service: 's3.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: 'arn:aws:lambda:us-east-1:1:function:f',
      Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::orders' }, StringEquals: { 'AWS:SourceAccount': '1' } },
    }],
  };
  const invoke = (context: Record<string, string>): AuthorizationCheck => ({ action: 'lambda:InvokeFunction', resource: 'arn:aws:lambda:us-east-1:1:function:f', context });

  test('a service principal is allowed only by the resource policy, and only from the source it names', () => {
    expect(allowed(invoke({ 'aws:SourceArn': 'arn:aws:s3:::orders', 'aws:SourceAccount': '1' }), [], [invokeFromBucket], s3Service).allowed).toBe(true);
    expect(allowed(invoke({ 'aws:SourceArn': 'arn:aws:s3:::other', 'aws:SourceAccount': '1' }), [], [invokeFromBucket], s3Service))
      .toMatchObject({ allowed: false, denial: { kind: 'implicit', policyType: 'resource-based' } });
    expect(allowed(invoke({ 'aws:SourceArn': 'arn:aws:s3:::orders', 'aws:SourceAccount': '1' }), [], [invokeFromBucket]).allowed).toBe(false);
  });

  test('a resource policy naming the account delegates to identity policies; a KMS key policy must do so for them to count', () => {
    const keyArn = `arn:aws:kms:us-east-1:${account}:key/k`;
    const rootKeyPolicy: PolicyDocument = { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }] };
    const serviceOnlyKeyPolicy: PolicyDocument = { Statement: [{ Effect: 'Allow', Principal: { Service: 'logs.amazonaws.com' }, Action: 'kms:*', Resource: '*' }] };
    const decrypt: PolicyDocument = { Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn }] };
    const check = { action: 'kms:Decrypt', resource: keyArn };
    expect(allowed(check, [decrypt], [rootKeyPolicy], role, true).allowed).toBe(true);
    expect(allowed(check, [], [rootKeyPolicy], role, true).allowed).toBe(false);
    expect(allowed(check, [decrypt], [serviceOnlyKeyPolicy], role, true)).toMatchObject({ allowed: false, denial: { policyType: 'resource-based' } });
  });
});
