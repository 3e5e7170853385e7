import { App, Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, NagSuppressions } from 'cdk-nag';
import { OrdersPipelineStack } from '../../examples/orders-stack';
import { suppressProcessorFindings } from '../support/processor-nag-suppressions';

function synthesize(props: ConstructorParameters<typeof OrdersPipelineStack>[2] = {}) {
  const stack = new OrdersPipelineStack(new App(), 'Orders', { env: { account: '123456789012', region: 'eu-west-1' }, ...props });
  return { stack, template: Template.fromStack(stack) };
}

test('the example validates orders by schema and enriches them from the IAM-authorised financials API', () => {
  const { template } = synthesize({ chunkSize: 500, delimiter: ';', emailSender: 'batch@example.com', emailRecipients: ['ops@example.com'] });
  template.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'GET', AuthorizationType: 'AWS_IAM' });
  template.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'POST', AuthorizationType: 'AWS_IAM' });
  template.hasResourceProperties('AWS::Lambda::Function', {
    Environment: { Variables: { FINANCIALS_TABLE: { Ref: Match.stringLikeRegexp('^Financials') } } },
  });
  template.hasResourceProperties('AWS::Lambda::Function', {
    Environment: { Variables: Match.objectLike({ CHUNK_SIZE: '500', DELIMITER: ';' }) },
  });
  template.hasResourceProperties('AWS::Lambda::Function', {
    Environment: { Variables: Match.objectLike({ EMAIL_SENDER: 'batch@example.com', EMAIL_RECIPIENTS: 'ops@example.com' }) },
  });
  template.hasResourceProperties('AWS::Lambda::Function', {
    Environment: {
      Variables: Match.objectLike({
        ENRICHER: 'http',
        ENRICH_SIGV4: 'true',
        ENRICH_BATCH_SIZE: '1000',
        ENRICH_FIELDS: '["unitsSold","unitPrice","unitCost","totalRevenue","totalCost","totalProfit"]',
      }),
    },
  });
  const functions = Object.values(template.findResources('AWS::Lambda::Function')) as any[];
  const enrich = functions.find((fn) => fn.Properties.Environment?.Variables?.ENRICHER);
  expect(JSON.stringify(enrich.Properties.Environment.Variables.ENRICH_URL)).toMatch(/\/financials\/batch"/);
  const validate = functions.find((fn) => fn.Properties.Environment?.Variables?.RECORD_SCHEMA);
  const schema = JSON.parse(validate.Properties.Environment.Variables.RECORD_SCHEMA);
  expect(schema.required).toHaveLength(8);
  expect(schema.properties['Sales Channel'].enum).toEqual(['Online', 'Offline']);
});

test('the example keeps the account-wide API Gateway CloudWatch role, and the account setting naming it, on teardown', () => {
  const { template } = synthesize();
  const apiGatewayRoles = template.findResources('AWS::IAM::Role', {
    Properties: { AssumeRolePolicyDocument: Match.objectLike({ Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })]) }) },
  });
  expect(Object.values(apiGatewayRoles).map((role: any) => [role.DeletionPolicy, role.UpdateReplacePolicy])).toEqual([['Retain', 'Retain']]);
  expect(Object.values(template.findResources('AWS::ApiGateway::Account')).map((account: any) => account.DeletionPolicy)).toEqual(['Retain']);
});

test('without an email sender the example sends no email', () => {
  const { template } = synthesize();
  const notify = Object.values<any>(template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: Match.objectLike({ EVENT_BUS_NAME: Match.anyValue() }) } } }));
  expect(notify).toHaveLength(1);
  expect(notify[0].Properties.Environment.Variables).not.toHaveProperty('EMAIL_SENDER');
  expect(notify[0].Properties.Environment.Variables).not.toHaveProperty('EMAIL_RECIPIENTS');
});

test('AwsSolutionsChecks finds nothing unsuppressed in the example', () => {
  const { stack } = synthesize({ emailSender: 'batch@example.com', emailRecipients: ['ops@example.com'] });
  suppressProcessorFindings(stack, stack.processor);
  const path = `/${stack.node.path}`;
  NagSuppressions.addResourceSuppressionsByPath(stack, `${path}/FinancialsFunction/ServiceRole`, [
    {
      id: 'AwsSolutions-IAM4',
      reason: 'AWSLambdaBasicExecutionRole only lets the function write its own log streams.',
      appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
    },
    { id: 'AwsSolutions-IAM5', reason: 'X-Ray PutTraceSegments has no resource-level permissions.', appliesTo: ['Resource::*'] },
  ], true);
  NagSuppressions.addResourceSuppressionsByPath(stack, `${path}/FinancialsApi/CloudWatchRole/Resource`, [
    { id: 'AwsSolutions-IAM4', reason: 'API Gateway\'s account-level role for pushing logs to CloudWatch is the AWS managed one.' },
  ]);
  NagSuppressions.addResourceSuppressionsByPath(stack, `${path}/FinancialsApi/DeploymentStage.prod/Resource`, [
    { id: 'AwsSolutions-APIG3', reason: 'The API is IAM-authorised and only called by the enrich function; WAF would add cost without a threat to block.' },
  ]);
  for (const method of ['{uuid}/GET', 'batch/POST']) {
    NagSuppressions.addResourceSuppressionsByPath(stack, `${path}/FinancialsApi/Default/financials/${method}/Resource`, [
      { id: 'AwsSolutions-COG4', reason: 'The method is IAM-authorised (SigV4 by the enrich function); there are no end users to put in a Cognito pool.' },
    ]);
  }
  Aspects.of(stack).add(new AwsSolutionsChecks());
  const errors = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'));
  expect(errors.map((error) => `${error.id}: ${String(error.entry.data).split(':')[0]}`)).toEqual([]);
});

test('the enrich function may only POST to the batch path; the API function may read the table by key and in batches', () => {
  const { template } = synthesize();
  const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
  const invoke = statements.filter((statement) => [statement.Action].flat().includes('execute-api:Invoke'));
  expect(invoke).toHaveLength(1);
  expect(JSON.stringify(invoke[0].Resource)).toMatch(/\/POST\/financials\/batch"/);
  const reads = statements.filter((statement) => JSON.stringify(statement.Resource).includes('Financials') && JSON.stringify(statement.Action).includes('dynamodb'));
  expect(reads.map((statement) => [statement.Action].flat().sort())).toEqual([['dynamodb:BatchGetItem', 'dynamodb:GetItem']]);
});

test('the financials function is sized for a batch of 1,000 orders within API Gateway\'s 29 s, and enrichment waits for it', () => {
  const { template } = synthesize();
  const functions = Object.values(template.findResources('AWS::Lambda::Function')) as any[];
  const financials = functions.find((fn) => fn.Properties.Environment?.Variables?.FINANCIALS_TABLE);
  // Lambda's defaults are 3 s and 128 MB.
  expect(financials.Properties.Timeout).toBeGreaterThan(3);
  expect(financials.Properties.Timeout).toBeLessThan(29);
  expect(financials.Properties.MemorySize).toBeGreaterThanOrEqual(512);
  // The enricher does not abandon (and send again) a request the function may still be answering.
  const enrich = functions.find((fn) => fn.Properties.Environment?.Variables?.ENRICHER);
  expect(Number(enrich.Properties.Environment.Variables.ENRICH_TIMEOUT_MS)).toBeGreaterThan(financials.Properties.Timeout * 1000);
});
