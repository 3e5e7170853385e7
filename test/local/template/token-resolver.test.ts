import { App, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { resolveTokens } from '../../../local/template/token-resolver';

const env = { region: 'eu-west-1', account: '000000000000', stackName: 'S' };

describe('resolveTokens', () => {
  const template = {
    Resources: {
      Bucket1: { Type: 'AWS::S3::Bucket' },
      Named: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'my-bucket' } },
      Table1: { Type: 'AWS::DynamoDB::Table' },
      Fn1: { Type: 'AWS::Lambda::Function' },
      Machine: { Type: 'AWS::StepFunctions::StateMachine' },
      Api: { Type: 'AWS::ApiGateway::RestApi' },
    },
  };

  test('Ref and Fn::GetAtt give names and ARNs by resource type', () => {
    expect(resolveTokens({ Ref: 'Bucket1' }, template, env)).toBe('bucket1');
    expect(resolveTokens({ Ref: 'Named' }, template, env)).toBe('my-bucket');
    expect(resolveTokens({ 'Fn::GetAtt': ['Named', 'Arn'] }, template, env)).toBe('arn:aws:s3:::my-bucket');
    expect(resolveTokens({ 'Fn::GetAtt': ['Table1', 'Arn'] }, template, env)).toBe('arn:aws:dynamodb:eu-west-1:000000000000:table/Table1');
    expect(resolveTokens({ 'Fn::GetAtt': 'Fn1.Arn' }, template, env)).toBe('arn:aws:lambda:eu-west-1:000000000000:function:Fn1');
    expect(resolveTokens({ Ref: 'Machine' }, template, env)).toBe('arn:aws:states:eu-west-1:000000000000:stateMachine:Machine');
    expect(resolveTokens({ Ref: 'AWS::Partition' }, template, env)).toBe('aws');
  });

  test('a value imported from another stack is bad use, named', () => {
    expect(() => resolveTokens({ 'Fn::ImportValue': 'Shared:ExportsOutputRefTable' }, template, env))
      .toThrow('the stack S imports "Shared:ExportsOutputRefTable" from another stack (Fn::ImportValue): the local cloud runs the processor\'s stack alone');
  });

  test('Fn::Join of a definition string with tokens becomes plain JSON', () => {
    const definition = { 'Fn::Join': ['', ['{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"', { 'Fn::GetAtt': ['Fn1', 'Arn'] }, '","Parameters":{"Bucket":"', { Ref: 'Bucket1' }, '"},"End":true}}}']] };
    const parsed = JSON.parse(resolveTokens(definition, template, env));
    expect(parsed.States.A.Resource).toBe('arn:aws:lambda:eu-west-1:000000000000:function:Fn1');
    expect(parsed.States.A.Parameters.Bucket).toBe('bucket1');
  });

  test('Fn::Sub with resource, attribute, pseudo parameter, explicit variable and escaped ${!literal}', () => {
    const sub = { 'Fn::Sub': ['${Bucket1}/${Fn1.Arn}/${AWS::Region}/${Custom}/${!Literal}', { Custom: { Ref: 'Table1' } }] };
    expect(resolveTokens(sub, template, env)).toBe('bucket1/arn:aws:lambda:eu-west-1:000000000000:function:Fn1/eu-west-1/Table1/${Literal}');
  });

  test('Fn::Select and Fn::Split', () => {
    expect(resolveTokens({ 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] }, template, env)).toBe('b');
  });

  test('an unknown Ref is an error, not a silent placeholder', () => {
    expect(() => resolveTokens({ Ref: 'Missing' }, template, env)).toThrow(/Missing/);
  });

  test('resolves what CDK synthesizes for real constructs', () => {
    const app = new App();
    const stack = new Stack(app, 'T');
    const bucket = new s3.Bucket(stack, 'Data');
    const table = new dynamodb.Table(stack, 'Rows', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    const synthesized = app.synth().getStackByName('T').template;
    const value = stack.resolve({ name: bucket.bucketName, arn: bucket.arnForObjects('in/*'), table: table.tableArn });
    const resolved = resolveTokens(value, synthesized, env);
    const bucketId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
    expect(resolved.name).toBe(bucketId.toLowerCase());
    expect(resolved.arn).toBe(`arn:aws:s3:::${bucketId.toLowerCase()}/in/*`);
    expect(resolved.table).toMatch(/^arn:aws:dynamodb:eu-west-1:000000000000:table\/Rows/);
  });
});
