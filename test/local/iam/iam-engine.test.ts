import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IamEngine } from '../../../local/iam/iam-engine';
import { stateMachineCallRefusal } from '../../../local/iam/state-machine-refusals';
import { CfnTemplate, LocalEnvironment } from '../../../local/template/token-resolver';
import { clientOptions, RequestRecorder, TEST_CREDENTIALS } from '../../support/sdk-requests';

const env: LocalEnvironment = { region: 'us-east-1', account: '000000000000', stackName: 'T' };

/** A function and a state machine, each with one inline policy. */
function templateWith(functionStatements: unknown[], machineStatements: unknown[] = []): CfnTemplate {
  const policy = (role: string, statements: unknown[]) => ({
    Type: 'AWS::IAM::Policy',
    Properties: { PolicyName: `${role}Policy`, Roles: [{ Ref: role }], PolicyDocument: { Version: '2012-10-17', Statement: statements } },
  });
  return {
    Resources: {
      FnRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } },
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': ['FnRole', 'Arn'] } } },
      MachineRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } },
      Machine: { Type: 'AWS::StepFunctions::StateMachine', Properties: { RoleArn: { 'Fn::GetAtt': ['MachineRole', 'Arn'] } } },
      ...functionStatements.length ? { FnPolicy: policy('FnRole', functionStatements) } : {},
      ...machineStatements.length ? { MachinePolicy: policy('MachineRole', machineStatements) } : {},
    },
  };
}

let recorder: RequestRecorder;
beforeAll(async () => { recorder = await RequestRecorder.start(); });
afterAll(() => recorder.close());

describe('IamEngine', () => {
  test('a request signed with a trusted key (the local cloud\'s own) is allowed unchecked; the same call by a function is checked', async () => {
    const engine = new IamEngine({ template: templateWith([]), env, trustedAccessKeyIds: [TEST_CREDENTIALS.accessKeyId] });
    const table = new CreateTableCommand({
      TableName: 'T', KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST',
    });
    const create = (credentials: typeof TEST_CREDENTIALS) => recorder.one((e) => new DynamoDBClient(clientOptions(e, credentials)).send(table));
    expect(engine.authorizeRequest('dynamodb', await create(TEST_CREDENTIALS))).toEqual({ allowed: true, decisions: [] });
    const byFunction = engine.authorizeRequest('dynamodb', await create(engine.callerFor('Fn').credentials!));
    expect(byFunction.allowed).toBe(false);
    expect(engine.accessDenied).toEqual([{ caller: 'arn:aws:sts::000000000000:assumed-role/FnRole/Fn', action: 'dynamodb:CreateTable', resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/T' }]);
  });

  test('a decision made before is made again alike, and every refusal is logged, the repeated ones too', () => {
    const engine = new IamEngine({ template: templateWith([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/in/*' }]), env });
    const caller = engine.callerFor('Fn');
    const ask = (key: string) => engine.authorize(caller, [{ action: 's3:GetObject', resource: `arn:aws:s3:::b/${key}` }])[0].allowed;
    expect([ask('in/a'), ask('out/a'), ask('in/a'), ask('out/a')]).toEqual([true, false, true, false]);
    expect(engine.accessDenied.map((d) => d.resource)).toEqual(['arn:aws:s3:::b/out/a', 'arn:aws:s3:::b/out/a']);
  });

  test('a policy that reads the clock is evaluated at each request\'s time, not answered from a decision made before', () => {
    let now = new Date('2029-12-31T23:59:00Z');
    const engine = new IamEngine({
      template: templateWith([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } } }]),
      env,
      now: () => now,
    });
    const ask = () => engine.authorize(engine.callerFor('Fn'), [{ action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' }])[0].allowed;
    expect(ask()).toBe(true);
    now = new Date('2030-01-01T00:01:00Z');
    expect(ask()).toBe(false);
  });
});

describe('stateMachineCallRefusal: the error a state fails with when its role may not make the call', () => {
  const machine = 'arn:aws:states:us-east-1:000000000000:stateMachine:Machine';
  const user = 'arn:aws:sts::000000000000:assumed-role/MachineRole/Machine';
  const engine = new IamEngine({
    template: templateWith([], [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:Allowed' }]),
    env,
  });
  const refusal = (call: Parameters<typeof stateMachineCallRefusal>[3]) => stateMachineCallRefusal(engine, env, machine, call);

  test('an allowed call is not refused', () => {
    expect(refusal({ kind: 'task', resource: 'arn:aws:states:::lambda:invoke', parameters: { FunctionName: 'Allowed' } })).toBeUndefined();
  });

  test.each([
    ['a Lambda invoke', 'Lambda.AWSLambdaException', { kind: 'task', resource: 'arn:aws:states:::lambda:invoke', parameters: { FunctionName: 'Other' } },
      `User: ${user} is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:Other because no identity-based policy allows the lambda:InvokeFunction action (Service: AWSLambda; Status Code: 403; Error Code: AccessDeniedException; Request ID: `],
    ['a Lambda ARN resource', 'Lambda.AWSLambdaException', { kind: 'task', resource: 'arn:aws:lambda:us-east-1:000000000000:function:Other', parameters: {} },
      'lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:Other'],
    ['a nested execution', 'StepFunctions.AWSStepFunctionsException', { kind: 'task', resource: 'arn:aws:states:::states:startExecution.sync:2', parameters: { StateMachineArn: `${machine}2` } },
      `states:StartExecution on resource: ${machine}2 because no identity-based policy allows the states:StartExecution action (Service: AWSStepFunctions; Status Code: 400`],
    ['following a nested execution (.sync)', 'StepFunctions.AWSStepFunctionsException', { kind: 'describeExecution', executionArn: `${machine.replace(':stateMachine:', ':execution:')}2:e` },
      'states:DescribeExecution on resource: arn:aws:states:us-east-1:000000000000:execution:Machine2:e'],
    ['an aws-sdk S3 call', 'S3.AccessDeniedException', { kind: 'task', resource: 'arn:aws:states:::aws-sdk:s3:copyObject', parameters: { Bucket: 'b', Key: 'archive/o', CopySource: 'b/input/o' } },
      's3:PutObject on resource: "arn:aws:s3:::b/archive/o"'],
    ['an ItemReader', 'States.ItemReaderFailed', { kind: 'itemReader', resource: 'arn:aws:states:::s3:getObject', parameters: { Bucket: 'b', Key: 'runs/r/manifest.json' } },
      's3:GetObject on resource: "arn:aws:s3:::b/runs/r/manifest.json"'],
    ['a ResultWriter', 'States.ResultWriterFailed', { kind: 'resultWriter', resource: 'arn:aws:states:::s3:putObject', parameters: { Bucket: 'b', Key: 'runs/r/results/manifest.json' } },
      's3:PutObject on resource: "arn:aws:s3:::b/runs/r/results/manifest.json"'],
    ['a Distributed Map starting its children', 'States.Permissions', { kind: 'startChildren' },
      `states:StartExecution on resource: ${machine} because`],
  ] as const)('%s fails with %s naming the action and resource', (_what, name, call, message) => {
    const error = refusal(call as any)!;
    expect(error.name).toBe(name);
    expect(error.message).toContain(message);
  });
});
