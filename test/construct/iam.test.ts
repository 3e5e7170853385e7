import { Match } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { RecordEnricher, RecordValidator } from '../../src';
import { functionLogicalId, policyStatements, synthesizeProcessor } from '../support/processor-template';

const email = { sender: 'batch@mail.example.com', recipients: ['ops@example.com'] };
const full = synthesizeProcessor(() => ({ email, enrichment: RecordEnricher.fromHttpEndpoint({ url: 'https://example.com/{id}' }) }));
const statements = policyStatements(full.template);

/** The object-key part of a resource like `{ Fn::Join: ['', [<bucket arn>, '/runs/*']] }`, if it is in the processor's bucket. */
function bucketObjectPattern(resource: any): string | undefined {
  const parts = resource?.['Fn::Join']?.[1];
  if (!Array.isArray(parts) || !JSON.stringify(parts[0]).includes('ProcessorBucket')) return undefined;
  return parts.slice(1).join('');
}

/** The statements in the policy of the role of the function described `description…`. */
function statementsOf(description: string) {
  const functions = full.template.findResources('AWS::Lambda::Function');
  const role = functions[functionLogicalId(full.template, description)].Properties.Role['Fn::GetAtt'][0];
  return statements.filter((statement) => JSON.stringify(statement.roles).includes(role));
}

test('no statement allows every action of a service', () => {
  expect(statements.length).toBeGreaterThan(10);
  for (const statement of statements) {
    for (const action of statement.Action) expect(action).not.toMatch(/^(\*|[\w-]+:\*)$/);
  }
});

test('every grant on the bucket\'s objects is scoped to one of the run prefixes', () => {
  const patterns = new Set(statements.flatMap((statement) => statement.Resource.map(bucketObjectPattern)).filter((pattern) => pattern !== undefined));
  expect([...patterns].sort()).toEqual(['/archive/*', '/input/*', '/output/*', '/runs/*', '/runs/*/failures/*']);
});

test('the chunk processor may only write failure records, under the work prefix', () => {
  const chunkProcessor = statements.filter((statement) => JSON.stringify(statement.roles).includes('ProcessorChunkProcessorRole'));
  const grants = chunkProcessor.flatMap((statement) => statement.Resource.map(bucketObjectPattern).filter(Boolean).map((pattern) => `${statement.Action.join('+')} ${pattern}`));
  expect(grants).toEqual(['s3:PutObject /runs/*/failures/*']);
  expect(chunkProcessor.flatMap((statement) => statement.Action).filter((action) => action.startsWith('s3:'))).toEqual(['s3:PutObject']);
});

test('the processor\'s roles get Resource * only for actions without resource-level permissions', () => {
  // CDK's own bucket notifications handler (PutBucketNotification on *) is aws-cdk-lib's, not the processor's.
  const onEverything = statements
    .filter((statement) => statement.Resource.includes('*') && !JSON.stringify(statement.roles).includes('BucketNotificationsHandler'))
    .flatMap((statement) => statement.Action);
  expect(onEverything.length).toBeGreaterThan(0);
  for (const action of onEverything) expect(action).toMatch(/^(xray:(PutTraceSegments|PutTelemetryRecords|GetSamplingRules|GetSamplingTargets)|logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups))$/);
});

/**
 * The S3 grants of a function's role as `<action> <object pattern>`, or `<action> bucket prefix=<s3:prefix>`
 * for grants on the bucket itself.
 */
function s3Grants(description: string): string[] {
  return statementsOf(description)
    .filter((statement) => statement.Action.some((action) => action.startsWith('s3:')))
    .flatMap((statement) => statement.Resource.flatMap((resource) => {
      const pattern = bucketObjectPattern(resource);
      const onBucket = JSON.stringify(resource).match(/^\{"Fn::GetAtt":\["ProcessorBucket\w+","Arn"\]\}$/);
      const prefix = statement.Condition?.StringLike?.['s3:prefix'];
      const where = pattern ?? (onBucket ? `bucket prefix=${[prefix].flat().join(',')}` : JSON.stringify(resource));
      return statement.Action.map((action) => `${action} ${where}`);
    }))
    .sort();
}

test('each handler gets exactly the S3 actions of the calls it makes, on the prefixes it uses', () => {
  expect(s3Grants('Splits')).toEqual(['s3:GetObject /input/*', 's3:GetObjectVersion /input/*', 's3:PutObject /runs/*']);
  expect(s3Grants('Validates')).toEqual(['s3:GetObject /runs/*', 's3:PutObject /runs/*']);
  expect(s3Grants('Enriches')).toEqual(['s3:GetObject /runs/*', 's3:PutObject /runs/*']);
  // Reads only rejects files the earlier steps always write: no probing, so no listing.
  expect(s3Grants('Stores')).toEqual(['s3:GetObject /runs/*']);
  // Merge stages the output under the work prefix; notify publishes it (a copy) and removes the input.
  // It lists the run's Map results only, for chunks the Map's manifest leaves out after a redrive.
  expect(s3Grants('Merges')).toEqual([
    's3:AbortMultipartUpload /runs/*', 's3:GetObject /runs/*', 's3:ListBucket bucket prefix=runs/*/map-results/*', 's3:PutObject /runs/*',
  ]);
  // Publishing copies in parts past 5 GiB (and aborts a failed copy); the staged files have no tags to copy.
  expect(s3Grants('Publishes')).toEqual([
    's3:AbortMultipartUpload /output/*', 's3:DeleteObject /input/*', 's3:DeleteObject /output/*', 's3:GetObject /output/*', 's3:GetObject /runs/*',
    's3:ListBucket bucket prefix=output/*', 's3:ListBucket bucket prefix=runs/*', 's3:PutObject /output/*',
  ]);
  // Archiving copies the upload's version with its tags (CopyObject, or GetObjectTagging and a multipart copy
  // created with them); a retry whose copy finds no input (404 or 403) lists the input and the archive.
  expect(s3Grants('Archives')).toEqual([
    's3:AbortMultipartUpload /archive/*', 's3:GetObject /input/*', 's3:GetObjectTagging /input/*',
    's3:GetObjectVersion /input/*', 's3:GetObjectVersionTagging /input/*', 's3:ListBucket bucket prefix=archive/*', 's3:ListBucket bucket prefix=input/*',
    's3:PutObject /archive/*', 's3:PutObjectTagging /archive/*',
  ]);
  expect(s3Grants('Starts')).toEqual([]);
});

test('no handler gets an S3 action group: no s3:List*, s3:GetBucket*, s3:GetObject* or s3:DeleteObject*', () => {
  const handlerActions = ['Splits', 'Validates', 'Enriches', 'Stores', 'Merges', 'Archives', 'Publishes', 'Starts']
    .flatMap((description) => statementsOf(description).flatMap((statement) => statement.Action))
    .filter((action) => action.startsWith('s3:'));
  expect(handlerActions.length).toBeGreaterThan(10);
  for (const action of handlerActions) expect(action).not.toContain('*');
});

test('the prefixes of the grants follow the prefix props', () => {
  const { template } = synthesizeProcessor(() => ({ inputPrefix: 'in/', workPrefix: 'tmp/', outputPrefix: 'out/', archivePrefix: 'old/' }));
  const listed = policyStatements(template)
    .filter((statement) => statement.Action.includes('s3:ListBucket'))
    .map((statement) => statement.Condition?.StringLike?.['s3:prefix']);
  // archive-input under the input and archive prefixes, notify under the work and output prefixes, merge under the runs' Map results.
  expect(listed.flat().sort()).toEqual(['in/*', 'old/*', 'out/*', 'tmp/*', 'tmp/*/map-results/*']);
});

test('the trigger may start the orchestrator', () => {
  expect(statementsOf('Starts')).toContainEqual(expect.objectContaining({
    Action: ['states:StartExecution'],
    Resource: [{ Ref: expect.stringMatching(/^ProcessorOrchestrator/) }],
  }));
});

test('the rejected records are only batch-written, by record-rejects', () => {
  const tableStatements = statements.filter((statement) => JSON.stringify(statement.Resource).includes('ProcessorRejectedRecords'));
  expect(tableStatements.map((statement) => statement.Action)).toEqual([['dynamodb:BatchWriteItem']]);
  expect(statementsOf('Stores')).toContainEqual(expect.objectContaining({ Action: ['dynamodb:BatchWriteItem'] }));
});

test('the run queue is read and written item by item, by run-turns only: no batch, scan or transaction', () => {
  const tableStatements = statements.filter((statement) => JSON.stringify(statement.Resource).includes('ProcessorRunQueue')
    && statement.Action.some((action) => action.startsWith('dynamodb:')));
  expect(tableStatements.map((statement) => statement.Action)).toEqual([
    ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  ]);
  expect(JSON.stringify(tableStatements[0].roles)).toContain('ProcessorRunTurnsServiceRole');
  expect(tableStatements[0].Resource).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^ProcessorRunQueue/), 'Arn'] }, { Ref: 'AWS::NoValue' }]);
});

test('the orchestrator invokes run-turns, and run-turns touches nothing of the bucket or the runs', () => {
  const invoke = statements.filter((statement) => JSON.stringify(statement.roles).includes('ProcessorOrchestratorRole') && statement.Action.includes('lambda:InvokeFunction'));
  expect(JSON.stringify(invoke.map((statement) => statement.Resource))).toContain('ProcessorRunTurns');
  const actions = statementsOf('Admits').flatMap((statement) => statement.Action);
  expect(actions.filter((action) => !action.startsWith('dynamodb:') && !action.startsWith('xray:') && action !== 'sqs:SendMessage')).toEqual([]);
});

test('notify may send email only with the sender\'s and the recipients\' address and domain identities, each once', () => {
  const sesOf = (template: any) => policyStatements(template).filter((statement) => statement.Action.some((action) => action.startsWith('ses:')));
  const identities = (statement: { Resource: unknown[] }) => statement.Resource
    .map((resource) => JSON.stringify(resource).match(/:identity\/([^"]+)"/)?.[1])
    .sort();
  const ses = sesOf(full.template);
  expect(ses).toHaveLength(1);
  expect(ses[0].Action).toEqual(['ses:SendEmail']);
  expect(identities(ses[0])).toEqual(['batch@mail.example.com', 'example.com', 'mail.example.com', 'ops@example.com']);

  // Recipients sharing a domain with each other or with the sender: every identity once.
  const shared = sesOf(synthesizeProcessor(() => ({
    email: { sender: 'batch@example.com', recipients: ['ops@example.com', 'dev@example.com', 'ops@example.org'] },
  })).template);
  expect(identities(shared[0])).toEqual(['batch@example.com', 'dev@example.com', 'example.com', 'example.org', 'ops@example.com', 'ops@example.org']);
  expect(sesOf(synthesizeProcessor().template)).toEqual([]);
});

test('notify may send email with the configuration set named in email, exactly that one, and with none when none is named', () => {
  const sesResources = (template: any) => policyStatements(template)
    .filter((statement) => statement.Action.includes('ses:SendEmail'))
    .flatMap((statement) => statement.Resource.map((resource) => JSON.stringify(resource)));
  const named = sesResources(synthesizeProcessor(() => ({
    email: { sender: 'batch@example.com', recipients: ['ops@example.com'], configurationSetName: 'batch-mail' },
  })).template);
  const configurationSets = named.filter((resource) => resource.includes(':configuration-set/'));
  expect(configurationSets).toHaveLength(1);
  expect(configurationSets[0]).toMatch(/:ses:eu-west-1:123456789012:configuration-set\/batch-mail"/);
  const unnamed = sesResources(synthesizeProcessor(() => ({ email: { sender: 'batch@example.com', recipients: ['ops@example.com'] } })).template);
  expect(unnamed.filter((resource) => resource.includes('configuration-set'))).toEqual([]);
});

test('the orchestrator reads the manifest and writes the Map results under the work prefix, and touches no input or archive', () => {
  const orchestrator = statements.filter((statement) => JSON.stringify(statement.roles).includes('ProcessorOrchestratorRole'));
  const grants = orchestrator.flatMap((statement) => statement.Resource.map(bucketObjectPattern).filter(Boolean).map((pattern) => `${statement.Action.join('+')} ${pattern}`));
  expect(grants.sort()).toEqual([
    's3:GetObject /runs/*',
    's3:PutObject+s3:GetObject+s3:ListMultipartUploadParts+s3:AbortMultipartUpload /runs/*',
  ]);
});

test('the orchestrator invokes the archive function, as it does every handler', () => {
  const invoke = statements.filter((statement) => JSON.stringify(statement.roles).includes('ProcessorOrchestratorRole') && statement.Action.includes('lambda:InvokeFunction'));
  expect(JSON.stringify(invoke.map((statement) => statement.Resource))).toContain('ProcessorArchiveInput');
});

test('the orchestrator may describe, stop and redrive the Distributed Map\'s child executions, where their ARNs are', () => {
  const policies = full.template.findResources('AWS::IAM::Policy');
  const mapPolicy = Object.entries(policies).find(([id]) => id.startsWith('ProcessorOrchestratorDistributedMapPolicy'))![1] as any;
  const statement = mapPolicy.Properties.PolicyDocument.Statement[1];
  expect(statement.Action).toEqual(['states:DescribeExecution', 'states:StopExecution', 'states:RedriveExecution']);
  // execution:<state machine name>/<Map label>:<child>, https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html
  const resource = JSON.stringify(statement.Resource);
  expect(resource).toContain(':execution:');
  expect(resource).toContain('/ProcessChunks:*');
  expect(resource).not.toContain(':stateMachine:');
});

test('notify may read the orchestrator\'s execution history and put run events on the default bus', () => {
  const notify = statementsOf('Publishes');
  expect(notify).toContainEqual(expect.objectContaining({ Action: ['events:PutEvents'] }));
  expect(JSON.stringify(notify.find((s) => s.Action.includes('events:PutEvents'))!.Resource)).toContain(':event-bus/default');
  const history = statements.filter((s) => s.Action.includes('states:GetExecutionHistory'));
  expect(history).toHaveLength(1);
  expect(JSON.stringify(history[0].Resource)).toMatch(/:execution:.*ProcessorOrchestrator.*:\*/);
});

test('a REST API enricher may invoke exactly the method and path it calls', () => {
  const { template } = synthesizeProcessor((stack) => {
    const api = new apigateway.RestApi(stack, 'Api');
    api.root.addResource('financials').addResource('{uuid}').addMethod('GET', undefined, { authorizationType: apigateway.AuthorizationType.IAM });
    return { enrichment: RecordEnricher.fromRestApi(api, { path: '/financials/{uuid}' }) };
  });
  const invoke = policyStatements(template).filter((statement) => statement.Action.includes('execute-api:Invoke'));
  expect(invoke).toHaveLength(1);
  const arn = JSON.stringify(invoke[0].Resource);
  expect(arn).toMatch(/\/GET\/financials\/\*"/);
  expect(arn).toContain('ApiDeploymentStageprod');
});

test('a batched REST API enricher may only POST to the batch path', () => {
  const { template } = synthesizeProcessor((stack) => {
    const api = new apigateway.RestApi(stack, 'Api');
    const financials = api.root.addResource('financials');
    financials.addResource('{uuid}').addMethod('GET', undefined, { authorizationType: apigateway.AuthorizationType.IAM });
    financials.addResource('batch').addMethod('POST', undefined, { authorizationType: apigateway.AuthorizationType.IAM });
    return { enrichment: RecordEnricher.fromRestApi(api, { path: '/financials/batch', batchSize: 100 }) };
  });
  const invoke = policyStatements(template).filter((statement) => statement.Action.includes('execute-api:Invoke'));
  expect(invoke).toHaveLength(1);
  const arn = JSON.stringify(invoke[0].Resource);
  expect(arn).toMatch(/\/POST\/financials\/batch"/);
  expect(arn).not.toMatch(/GET|\*/);
  expect(arn).toContain('ApiDeploymentStageprod');
});

test('a table enricher may only BatchGetItem the table, and a Lambda validator only invoke its function', () => {
  const { template } = synthesizeProcessor((stack) => ({
    validator: RecordValidator.fromLambda(new lambda.Function(stack, 'Check', {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})'),
    })),
    enrichment: RecordEnricher.fromTable(new dynamodb.Table(stack, 'Lookup', { partitionKey: { name: 'uuid', type: dynamodb.AttributeType.STRING } }), { keyColumn: 'uuid' }),
  }));
  const all = policyStatements(template);
  expect(all.filter((statement) => JSON.stringify(statement.Resource).includes('Lookup')).map((statement) => statement.Action)).toEqual([['dynamodb:BatchGetItem']]);
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'lambda:InvokeFunction', Resource: Match.arrayWith([{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Check'), 'Arn'] }]) })]) },
  });
});
