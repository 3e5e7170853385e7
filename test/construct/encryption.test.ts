import { Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IMPORTED_KEY_WARNING } from '../../src/log-encryption-key';
import { policyStatements, synthesizeProcessor } from '../support/processor-template';

const { template } = synthesizeProcessor((stack) => ({ encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) }));
const keyArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] };

test('the bucket, the tables and every log group are encrypted with the given key', () => {
  template.hasResourceProperties('AWS::S3::Bucket', {
    BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn }, BucketKeyEnabled: true }] },
  });
  template.resourcePropertiesCountIs('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn } }, 2);
  template.allResourcesProperties('AWS::Logs::LogGroup', { KmsKeyId: keyArn });
});

test('CloudWatch Logs may use the key', () => {
  template.hasResourceProperties('AWS::KMS::Key', {
    KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logs.eu-west-1.amazonaws.com' }, Action: Match.arrayWith(['kms:Decrypt*', 'kms:GenerateDataKey*', 'kms:Describe*']), Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } } })]) },
  });
});

test('the functions and the orchestrator that touch encrypted data may use the key', () => {
  const kmsUsers = policyStatements(template)
    .filter((statement) => statement.Action.includes('kms:Decrypt'))
    .map((statement) => JSON.stringify(statement.roles));
  for (const role of ['SplitInput', 'ValidateChunk', 'RecordRejects', 'MergeChunks', 'ArchiveInput', 'Notify', 'RunTurns', 'OrchestratorRole']) {
    expect(kmsUsers.some((roles) => roles.includes(`Processor${role}`))).toBe(true);
  }
});

test('the trigger\'s dead-letter queue is encrypted with the key, and the trigger, which sends to it, may use the key for that only', () => {
  template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: keyArn });
  template.resourcePropertiesCountIs('AWS::SQS::Queue', { SqsManagedSseEnabled: true }, 0);
  const triggerKeyActions = policyStatements(template)
    .filter((statement) => JSON.stringify(statement.roles).includes('ProcessorTriggerServiceRole'))
    .filter((statement) => statement.Action.some((action) => action.startsWith('kms:')));
  // Exactly what sending needs: it never reads or writes the bucket's data.
  expect(triggerKeyActions.flatMap((statement) => statement.Action).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
});

test('the failure reports\' and the run releases\' dead-letter queues are encrypted with the key, which EventBridge, their sender, may use for that in this account', () => {
  template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: keyArn, MessageRetentionPeriod: 14 * 24 * 3600 });
  template.resourcePropertiesCountIs('AWS::SQS::Queue', { KmsMasterKeyId: keyArn }, 3);
  template.hasResourceProperties('AWS::KMS::Key', {
    KeyPolicy: {
      Statement: Match.arrayWith([Match.objectLike({
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
      })]),
    },
  });
});

test('notify, which sends the failure reports it failed on to that queue, may use the key to send', () => {
  const notifyKeyActions = policyStatements(template)
    .filter((statement) => JSON.stringify(statement.roles).includes('ProcessorNotifyServiceRole'))
    .filter((statement) => statement.Action.some((action) => action.startsWith('kms:')));
  expect(notifyKeyActions.flatMap((statement) => statement.Action)).toEqual(expect.arrayContaining(['kms:GenerateDataKey', 'kms:Decrypt']));
  template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
    FunctionName: { Ref: Match.stringLikeRegexp('^ProcessorNotify') },
    DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ProcessorFailureReportDeadLetterQueue'), 'Arn'] } } },
  });
});

test('without a key the dead-letter queue uses SQS-managed encryption and the trigger gets no key action', () => {
  const plain = synthesizeProcessor().template;
  plain.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, KmsMasterKeyId: Match.absent() });
  expect(policyStatements(plain).some((statement) => statement.Action.some((action) => action.startsWith('kms:')))).toBe(false);
});

test('the chunk processor may encrypt the failure records it writes, and every key grant is on the given key only', () => {
  const keyStatements = policyStatements(template).filter((statement) => statement.Action.some((action) => action.startsWith('kms:')));
  const chunkProcessor = keyStatements.filter((statement) => JSON.stringify(statement.roles).includes('ProcessorChunkProcessorRole'));
  expect(chunkProcessor.flatMap((statement) => statement.Action)).toEqual(expect.arrayContaining(['kms:GenerateDataKey*', 'kms:Encrypt']));
  // It writes, never reads, the bucket's objects.
  expect(chunkProcessor.flatMap((statement) => statement.Action)).not.toContain('kms:Decrypt');
  for (const statement of keyStatements) expect(statement.Resource).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] }]);
});

describe('an imported key', () => {
  const warningsOf = (stack: Stack) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('encryptionKey is imported'));

  test('created in the stack: CloudWatch Logs is granted in the key policy and nothing is warned', () => {
    const { stack } = synthesizeProcessor((scope) => ({ encryptionKey: new kms.Key(scope, 'Key') }));
    expect(warningsOf(stack)).toEqual([]);
  });

  test('created in the stack: the key policy holds the statements the warning prints for an imported key, as the CloudWatch Logs documentation gives them', () => {
    const owned = synthesizeProcessor((scope) => ({ encryptionKey: new kms.Key(scope, 'Key') }));
    const imported = synthesizeProcessor((scope) => ({
      encryptionKey: kms.Key.fromKeyArn(scope, 'Imported', 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
    }));
    const printed = [...String(warningsOf(imported.stack)[0].entry.data).matchAll(/^\{\n[\s\S]*?\n\}$/gm)].map((match) => JSON.parse(match[0]));
    const keyPolicy: any[] = Object.values(owned.template.findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement;
    // The partition is AWS::Partition in the template; the warning prints the region's.
    const resolved: any[] = JSON.parse(JSON.stringify(keyPolicy).replace(/\{"Fn::Join":\["",\["arn:",\{"Ref":"AWS::Partition"\},":logs:eu-west-1:123456789012:log-group:\*"\]\]\}/g,
      '"arn:aws:logs:eu-west-1:123456789012:log-group:*"'));
    expect(printed).toHaveLength(2);
    for (const statement of printed) expect(resolved).toContainEqual(statement);
    // Nothing else for CloudWatch Logs: no unconditioned grant next to it.
    expect(resolved.filter((statement) => JSON.stringify(statement.Principal).includes('logs.'))).toHaveLength(1);
  });

  test('imported: synth warns with the key-policy statement CloudWatch Logs needs, as the CloudWatch Logs documentation gives it', () => {
    const { stack } = synthesizeProcessor((scope) => ({
      encryptionKey: kms.Key.fromKeyArn(scope, 'Imported', 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
    }));
    const warnings = warningsOf(stack);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].id).toBe('/Test/Processor');
    const message = String(warnings[0].entry.data);
    expect(message).toContain(`[ack: ${IMPORTED_KEY_WARNING}]`);
    // The statements, one JSON object each, as printed.
    const statements = [...message.matchAll(/^\{\n[\s\S]*?\n\}$/gm)].map((match) => JSON.parse(match[0]));
    expect(statements).toHaveLength(2);
    const [statement, events] = statements;
    expect(events).toEqual({
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
    });
    expect(statement).toEqual({
      Effect: 'Allow',
      Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
      Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      Resource: '*',
      Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:eu-west-1:123456789012:log-group:*' } },
    });
  });
});

test('each handler gets the key actions its S3 calls need: decrypt to read, generate a data key to write (and decrypt for a multipart upload)', () => {
  const keyActionsOf = (role: string) => [...new Set(policyStatements(template)
    .filter((statement) => JSON.stringify(statement.roles).includes(`Processor${role}`))
    .flatMap((statement) => statement.Action)
    .filter((action) => action.startsWith('kms:')))].sort();
  for (const role of ['SplitInput', 'ValidateChunk', 'MergeChunks', 'ArchiveInput', 'Notify']) {
    expect(keyActionsOf(role)).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
  }
  // It reads rejects files and writes the DynamoDB table, encrypted with the same key.
  expect(keyActionsOf('RecordRejects')).toEqual(expect.arrayContaining(['kms:Decrypt']));
});
