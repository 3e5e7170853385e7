import { BatchWriteItemCommand, DynamoDBClient, QueryCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, DeleteObjectCommand,
  DeleteObjectsCommand, GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand,
  PutObjectTaggingCommand, S3Client, UploadPartCommand, UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, RedriveExecutionCommand, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { accessKeyIdOf } from '../../../local/iam/caller-credentials';
import { dynamodbCallOfRequest, dynamodbChecks } from '../../../local/iam/dynamodb-requests';
import { eventsChecksOfRequest } from '../../../local/iam/events-requests';
import { executeApiChecksOfRequest } from '../../../local/iam/execute-api-requests';
import { lambdaChecksOfRequest } from '../../../local/iam/lambda-requests';
import { AuthorizationCheck } from '../../../local/iam/policy-evaluation';
import { s3CallChecks, s3CallOfRequest } from '../../../local/iam/s3-requests';
import { sesChecksOfRequest } from '../../../local/iam/ses-requests';
import { distributedMapChildChecks, syncExecutionChecks, taskChecks } from '../../../local/iam/state-machine-tasks';
import { stepFunctionsChecksOfRequest } from '../../../local/iam/step-functions-requests';
import { HttpRequest } from '../../../local/shared/http-request';
import { LocalEnvironment } from '../../../local/template/token-resolver';
import { clientOptions, RequestRecorder, TEST_CREDENTIALS } from '../../support/sdk-requests';

const env: LocalEnvironment = { region: 'us-east-1', account: '000000000000', stackName: 'Test' };
let recorder: RequestRecorder;
beforeAll(async () => { recorder = await RequestRecorder.start(); });
afterAll(() => recorder.close());

/** Action and resource of each check, as `action resource` lines. */
const summary = (checks: AuthorizationCheck[]) => checks.map((c) => `${c.action} ${c.resource}`);

describe('S3 (path-style REST requests of the real S3 client)', () => {
  const s3 = (endpoint: string) => new S3Client({ ...clientOptions(endpoint), forcePathStyle: true });
  const checksOf = (request: HttpRequest, bucketKeys?: Map<string, string>) => s3CallChecks(s3CallOfRequest(request), bucketKeys);
  const send = async (command: any) => checksOf(await recorder.one((e) => s3(e).send(command)));

  test('GetObject, HeadObject, PutObject and DeleteObject, with and without a version', async () => {
    expect(summary(await send(new GetObjectCommand({ Bucket: 'b', Key: 'input/day 1/orders.csv' })))).toEqual(['s3:GetObject arn:aws:s3:::b/input/day 1/orders.csv']);
    const version = await send(new GetObjectCommand({ Bucket: 'b', Key: 'input/o.csv', VersionId: 'v1' }));
    expect(summary(version)).toEqual(['s3:GetObjectVersion arn:aws:s3:::b/input/o.csv']);
    expect(version[0].context).toMatchObject({ 's3:VersionId': 'v1', 's3:authType': 'REST-HEADER', 's3:signatureversion': 'AWS4-HMAC-SHA256' });
    expect(summary(await send(new HeadObjectCommand({ Bucket: 'b', Key: 'runs/r/plan.json' })))).toEqual(['s3:GetObject arn:aws:s3:::b/runs/r/plan.json']);
    expect(summary(await send(new PutObjectCommand({ Bucket: 'b', Key: 'runs/r/x', Body: 'x' })))).toEqual(['s3:PutObject arn:aws:s3:::b/runs/r/x']);
    expect(summary(await send(new PutObjectCommand({ Bucket: 'b', Key: 'runs/r/x', Body: 'x', Tagging: 'a=b' }))))
      .toEqual(['s3:PutObject arn:aws:s3:::b/runs/r/x', 's3:PutObjectTagging arn:aws:s3:::b/runs/r/x']);
    expect(summary(await send(new DeleteObjectCommand({ Bucket: 'b', Key: 'output/o' })))).toEqual(['s3:DeleteObject arn:aws:s3:::b/output/o']);
    expect(summary(await send(new DeleteObjectCommand({ Bucket: 'b', Key: 'output/o', VersionId: 'v2' })))).toEqual(['s3:DeleteObjectVersion arn:aws:s3:::b/output/o']);
  });

  test('CopyObject reads the source (its version when named) and writes the target; REPLACE tags also need PutObjectTagging', async () => {
    expect(summary(await send(new CopyObjectCommand({ Bucket: 'b', Key: 'archive/r/o.csv', CopySource: 'b/input/o.csv?versionId=v1' }))))
      .toEqual(['s3:PutObject arn:aws:s3:::b/archive/r/o.csv', 's3:GetObjectVersion arn:aws:s3:::b/input/o.csv']);
    expect(summary(await send(new CopyObjectCommand({ Bucket: 'b', Key: 'archive/o', CopySource: 'src/in%20put/o', TaggingDirective: 'REPLACE', Tagging: 'k=v' }))))
      .toEqual(['s3:PutObject arn:aws:s3:::b/archive/o', 's3:GetObject arn:aws:s3:::src/in put/o', 's3:PutObjectTagging arn:aws:s3:::b/archive/o']);
  });

  test('multipart uploads: create, parts, copied parts and complete are s3:PutObject; abort is s3:AbortMultipartUpload', async () => {
    const part = { Bucket: 'b', Key: 'output/r/o.csv', UploadId: 'u1', PartNumber: 1 };
    expect(summary(await send(new CreateMultipartUploadCommand({ Bucket: 'b', Key: 'output/r/o.csv' })))).toEqual(['s3:PutObject arn:aws:s3:::b/output/r/o.csv']);
    expect(summary(await send(new UploadPartCommand({ ...part, Body: 'x' })))).toEqual(['s3:PutObject arn:aws:s3:::b/output/r/o.csv']);
    expect(summary(await send(new UploadPartCopyCommand({ ...part, CopySource: 'b/runs/r/p.csv' }))))
      .toEqual(['s3:PutObject arn:aws:s3:::b/output/r/o.csv', 's3:GetObject arn:aws:s3:::b/runs/r/p.csv']);
    expect(summary(await send(new CompleteMultipartUploadCommand({ Bucket: 'b', Key: 'output/r/o.csv', UploadId: 'u1', MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"e"' }] } }))))
      .toEqual(['s3:PutObject arn:aws:s3:::b/output/r/o.csv']);
    expect(summary(await send(new AbortMultipartUploadCommand({ Bucket: 'b', Key: 'output/r/o.csv', UploadId: 'u1' })))).toEqual(['s3:AbortMultipartUpload arn:aws:s3:::b/output/r/o.csv']);
  });

  test('ListObjectsV2 is s3:ListBucket on the bucket, with the prefix as s3:prefix', async () => {
    const [list] = await send(new ListObjectsV2Command({ Bucket: 'b', Prefix: 'runs/r/failures/', MaxKeys: 10 }));
    expect(list).toMatchObject({ action: 's3:ListBucket', resource: 'arn:aws:s3:::b', context: { 's3:prefix': 'runs/r/failures/', 's3:max-keys': '10' } });
  });

  test('object tagging, and DeleteObjects checked per object', async () => {
    expect(summary(await send(new GetObjectTaggingCommand({ Bucket: 'b', Key: 'k' })))).toEqual(['s3:GetObjectTagging arn:aws:s3:::b/k']);
    expect(summary(await send(new PutObjectTaggingCommand({ Bucket: 'b', Key: 'k', VersionId: 'v', Tagging: { TagSet: [{ Key: 'a', Value: 'b' }] } }))))
      .toEqual(['s3:PutObjectVersionTagging arn:aws:s3:::b/k']);
    const deletes = await recorder.one((e) => s3(e).send(new DeleteObjectsCommand({ Bucket: 'b', Delete: { Objects: [{ Key: 'a & b' }, { Key: 'c', VersionId: 'v' }] } })));
    expect(summary(checksOf(deletes))).toEqual(['s3:DeleteObject arn:aws:s3:::b/a & b', 's3:DeleteObjectVersion arn:aws:s3:::b/c']);
  });

  test('a presigned GET names the signer\'s key in the query and is authorized as s3:GetObject', async () => {
    const request = await recorder.one(async (e) => fetch(await getSignedUrl(s3(e), new GetObjectCommand({ Bucket: 'b', Key: 'output/r/o.csv' }), { expiresIn: 60 })));
    expect(accessKeyIdOf(request)).toBe(TEST_CREDENTIALS.accessKeyId);
    expect(checksOf(request)).toEqual([expect.objectContaining({ action: 's3:GetObject', resource: 'arn:aws:s3:::b/output/r/o.csv', context: expect.objectContaining({ 's3:authType': 'REST-QUERY-STRING' }) })]);
  });

  test('on an SSE-KMS bucket, writes also need kms:GenerateDataKey and reads kms:Decrypt on its key', async () => {
    const keys = new Map([['b', 'arn:aws:kms:us-east-1:000000000000:key/k']]);
    expect(summary(checksOf(await recorder.one((e) => s3(e).send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' }))), keys)))
      .toEqual(['s3:PutObject arn:aws:s3:::b/k', 'kms:GenerateDataKey arn:aws:kms:us-east-1:000000000000:key/k']);
    expect(summary(checksOf(await recorder.one((e) => s3(e).send(new GetObjectCommand({ Bucket: 'b', Key: 'k' }))), keys)))
      .toEqual(['s3:GetObject arn:aws:s3:::b/k', 'kms:Decrypt arn:aws:kms:us-east-1:000000000000:key/k']);
  });
});

describe('DynamoDB (AWS JSON 1.0)', () => {
  const send = async (command: any) => {
    const { operation, body } = dynamodbCallOfRequest(await recorder.one((e) => new DynamoDBClient(clientOptions(e)).send(command)));
    return dynamodbChecks(operation, body, env);
  };
  const table = (name: string) => `arn:aws:dynamodb:us-east-1:000000000000:table/${name}`;

  test('BatchWriteItem is dynamodb:BatchWriteItem on every table of RequestItems', async () => {
    const put = { PutRequest: { Item: { runId: { S: 'r' }, line: { N: '2' } } } };
    expect(summary(await send(new BatchWriteItemCommand({ RequestItems: { Rejects: [put], Audit: [put] } }))))
      .toEqual([`dynamodb:BatchWriteItem ${table('Rejects')}`, `dynamodb:BatchWriteItem ${table('Audit')}`]);
  });

  test('a Query on an index is checked on the index; transactions per item with the item\'s action', async () => {
    expect(summary(await send(new QueryCommand({ TableName: 'T', IndexName: 'byDate', KeyConditionExpression: 'd = :d', ExpressionAttributeValues: { ':d': { S: 'x' } } }))))
      .toEqual([`dynamodb:Query ${table('T')}/index/byDate`]);
    expect(summary(await send(new TransactWriteItemsCommand({
      TransactItems: [{ Put: { TableName: 'A', Item: { k: { S: '1' } } } }, { ConditionCheck: { TableName: 'B', Key: { k: { S: '1' } }, ConditionExpression: 'attribute_exists(k)' } }],
    })))).toEqual([`dynamodb:PutItem ${table('A')}`, `dynamodb:ConditionCheckItem ${table('B')}`]);
  });
});

describe('Step Functions (AWS JSON 1.0)', () => {
  const machine = 'arn:aws:states:us-east-1:000000000000:stateMachine:Orchestrator';
  const execution = 'arn:aws:states:us-east-1:000000000000:execution:Orchestrator:run-1';
  const send = async (command: any) => stepFunctionsChecksOfRequest(await recorder.one((e) => new SFNClient(clientOptions(e)).send(command)));

  test('StartExecution on the state machine; Describe, Redrive and Stop on the execution', async () => {
    expect(summary(await send(new StartExecutionCommand({ stateMachineArn: machine, name: 'run-1', input: '{}' })))).toEqual([`states:StartExecution ${machine}`]);
    expect(summary(await send(new DescribeExecutionCommand({ executionArn: execution })))).toEqual([`states:DescribeExecution ${execution}`]);
    expect(summary(await send(new RedriveExecutionCommand({ executionArn: execution })))).toEqual([`states:RedriveExecution ${execution}`]);
    expect(summary(await send(new StopExecutionCommand({ executionArn: execution })))).toEqual([`states:StopExecution ${execution}`]);
  });

  test('GetExecutionHistory (what notify reads of a failed run) on the execution', async () => {
    expect(summary(await send(new GetExecutionHistoryCommand({ executionArn: execution, reverseOrder: true, maxResults: 100 }))))
      .toEqual([`states:GetExecutionHistory ${execution}`]);
  });
});

describe('EventBridge PutEvents (AWS JSON 1.1)', () => {
  const send = async (command: any) => eventsChecksOfRequest(await recorder.one((e) => new EventBridgeClient(clientOptions(e)).send(command)), env);
  const bus = (name: string) => `arn:aws:events:us-east-1:000000000000:event-bus/${name}`;

  test('events:PutEvents on the bus of each entry (the default bus when none is named), with its source and detail type', async () => {
    const checks = await send(new PutEventsCommand({
      Entries: [
        { Source: 'cdk-batch-file-processor', DetailType: 'Batch Run Succeeded', Detail: '{}' },
        { Source: 'cdk-batch-file-processor', DetailType: 'Batch Run Succeeded', Detail: '{"a":1}', EventBusName: 'default' },
        { Source: 'cdk-batch-file-processor', DetailType: 'Batch Run Failed', Detail: '{}', EventBusName: bus('runs') },
        { Source: 'other', DetailType: 'x', Detail: '{}', EventBusName: 'runs' },
      ],
    }));
    expect(summary(checks)).toEqual([`events:PutEvents ${bus('default')}`, `events:PutEvents ${bus('runs')}`, `events:PutEvents ${bus('runs')}`]);
    expect(checks.map((c) => c.context)).toEqual([
      { 'events:source': 'cdk-batch-file-processor', 'events:detail-type': 'Batch Run Succeeded' },
      { 'events:source': 'cdk-batch-file-processor', 'events:detail-type': 'Batch Run Failed' },
      { 'events:source': 'other', 'events:detail-type': 'x' },
    ]);
  });
});

describe('Lambda Invoke', () => {
  const send = async (command: any) => lambdaChecksOfRequest(await recorder.one((e) => new LambdaClient(clientOptions(e)).send(command)), env);
  const fn = 'arn:aws:lambda:us-east-1:000000000000:function:Validate';

  test('lambda:InvokeFunction on the function named by name or ARN, qualified when a qualifier is given', async () => {
    expect(summary(await send(new InvokeCommand({ FunctionName: 'Validate', Payload: Buffer.from('{}') })))).toEqual([`lambda:InvokeFunction ${fn}`]);
    expect(summary(await send(new InvokeCommand({ FunctionName: fn, Qualifier: 'live' })))).toEqual([`lambda:InvokeFunction ${fn}:live`]);
    expect(summary(await send(new InvokeCommand({ FunctionName: fn, Qualifier: '$LATEST' })))).toEqual([`lambda:InvokeFunction ${fn}`]);
  });
});

describe('SES v2 SendEmail', () => {
  const email = (from: string, to: string[]) => new SendEmailCommand({
    FromEmailAddress: from, Destination: { ToAddresses: to }, Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 'b' } } } },
  });
  const send = async (command: any, options = {}) =>
    sesChecksOfRequest(await recorder.one((e) => new SESv2Client(clientOptions(e)).send(command)), env, options);
  const identity = (name: string) => `arn:aws:ses:us-east-1:000000000000:identity/${name}`;

  test('ses:SendEmail on the sender\'s identity, with the From address and recipients as condition keys', async () => {
    const [check] = await send(email('Batch runs <batch@mail.example.com>', ['ops@example.com', 'Dev <dev@example.org>']));
    expect(check).toMatchObject({
      action: 'ses:SendEmail',
      resource: identity('batch@mail.example.com'),
      context: { 'ses:FromAddress': 'batch@mail.example.com', 'ses:FromDisplayName': 'Batch runs', 'ses:Recipients': ['ops@example.com', 'dev@example.org'] },
    });
  });

  test('a sender verified through its domain is authorized as the domain; the sandbox adds each recipient\'s identity', async () => {
    expect(summary(await send(email('batch@mail.example.com', ['ops@example.com']), { verifiedIdentities: ['mail.example.com'] })))
      .toEqual([`ses:SendEmail ${identity('mail.example.com')}`]);
    expect(summary(await send(email('batch@mail.example.com', ['ops@example.com']), { sandbox: true, verifiedIdentities: ['mail.example.com', 'ops@example.com'] })))
      .toEqual([`ses:SendEmail ${identity('mail.example.com')}`, `ses:SendEmail ${identity('ops@example.com')}`]);
  });

  test('a raw message is authorized as the address in its From header', async () => {
    const raw = new SendEmailCommand({ Content: { Raw: { Data: Buffer.from('From: Batch <batch@example.com>\r\nTo: ops@example.com\r\nSubject: s\r\n\r\nbody') } } });
    expect(summary(await send(raw))).toEqual([`ses:SendEmail ${identity('batch@example.com')}`]);
  });
});

describe('API Gateway methods with IAM authorization', () => {
  const apis = [{ id: 'financialsapi', stageName: 'prod' }];
  const methods = [{ apiId: 'financialsapi', httpMethod: 'POST', resourcePath: '/financials/batch' }, { apiId: 'financialsapi', httpMethod: 'GET', resourcePath: '/financials/{uuid}' }];
  const request = (method: string, url: string): HttpRequest => ({ method, url, headers: {} });

  test('execute-api:Invoke on the method and path as requested; methods without IAM authorization need no check', () => {
    expect(summary(executeApiChecksOfRequest(request('POST', '/prod/financials/batch'), apis, methods, env)))
      .toEqual(['execute-api:Invoke arn:aws:execute-api:us-east-1:000000000000:financialsapi/prod/POST/financials/batch']);
    expect(summary(executeApiChecksOfRequest(request('GET', '/prod/financials/abc-1'), apis, methods, env)))
      .toEqual(['execute-api:Invoke arn:aws:execute-api:us-east-1:000000000000:financialsapi/prod/GET/financials/abc-1']);
    expect(executeApiChecksOfRequest(request('GET', '/prod/health'), apis, methods, env)).toEqual([]);
  });
});

describe('state machine service integrations', () => {
  test('aws-sdk:s3:copyObject reads the source and writes the target; deleteObject deletes', () => {
    expect(summary(taskChecks('arn:aws:states:::aws-sdk:s3:copyObject', { Bucket: 'b', Key: 'archive/r/o.csv', CopySource: 'b/input/o.csv?versionId=v1' }, env)))
      .toEqual(['s3:PutObject arn:aws:s3:::b/archive/r/o.csv', 's3:GetObjectVersion arn:aws:s3:::b/input/o.csv']);
    expect(summary(taskChecks('arn:aws:states:::aws-sdk:s3:deleteObject', { Bucket: 'b', Key: 'input/o.csv' }, env))).toEqual(['s3:DeleteObject arn:aws:s3:::b/input/o.csv']);
  });

  test('Lambda tasks, nested executions, a Distributed Map\'s ItemReader and children', () => {
    const fn = 'arn:aws:lambda:us-east-1:000000000000:function:Split';
    expect(summary(taskChecks('arn:aws:states:::lambda:invoke', { FunctionName: fn, Payload: {} }, env))).toEqual([`lambda:InvokeFunction ${fn}`]);
    expect(summary(taskChecks(fn, {}, env))).toEqual([`lambda:InvokeFunction ${fn}`]);
    const chunks = 'arn:aws:states:us-east-1:000000000000:stateMachine:Chunks';
    expect(summary(taskChecks('arn:aws:states:::states:startExecution.sync:2', { StateMachineArn: chunks, Input: {} }, env))).toEqual([`states:StartExecution ${chunks}`]);
    expect(summary(syncExecutionChecks(`${chunks.replace('stateMachine', 'execution')}:e`))).toEqual([`states:DescribeExecution ${chunks.replace('stateMachine', 'execution')}:e`]);
    expect(summary(taskChecks('arn:aws:states:::s3:getObject', { Bucket: 'b', Key: 'runs/r/manifest.json' }, env))).toEqual(['s3:GetObject arn:aws:s3:::b/runs/r/manifest.json']);
    expect(summary(taskChecks('arn:aws:states:::s3:putObject', { Bucket: 'b', Key: 'results/manifest.json' }, env))).toEqual(['s3:PutObject arn:aws:s3:::b/results/manifest.json']);
    expect(summary(distributedMapChildChecks('arn:aws:states:us-east-1:000000000000:stateMachine:Orchestrator')))
      .toEqual(['states:StartExecution arn:aws:states:us-east-1:000000000000:stateMachine:Orchestrator']);
  });

  test('an integration the engine does not know fails naming it, rather than being allowed', () => {
    expect(() => taskChecks('arn:aws:states:::sns:publish', { TopicArn: 't' }, env)).toThrow(/sns:publish is not mapped/);
  });
});
