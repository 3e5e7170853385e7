import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { BatchWriteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { LocalService } from '../../../local/iam/access-denied-responses';
import { IamEngine } from '../../../local/iam/iam-engine';
import { CfnTemplate } from '../../../local/template/token-resolver';
import { clientOptions, TEST_CREDENTIALS } from '../../support/sdk-requests';

// A function whose role has no policy: everything it asks is refused.
const template: CfnTemplate = {
  Resources: {
    Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } },
    Fn: { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': ['Role', 'Arn'] } } },
  },
};
const engine = new IamEngine({ template, env: { region: 'us-east-1', account: '000000000000', stackName: 'T' } });
const credentials = engine.callerFor('Fn').credentials!;
const user = 'arn:aws:sts::000000000000:assumed-role/Role/Fn';

// A stand-in that only answers refusals, as the engine renders them, for the service under test.
let service: LocalService = 's3';
let server: Server;
let endpoint: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const verdict = engine.authorizeRequest(service, { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
      if (verdict.allowed) throw new Error('expected a refusal');
      res.writeHead(verdict.response.status, verdict.response.headers);
      res.end(verdict.response.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

/** The error the real SDK client throws for the engine's refusal. */
async function errorOf(on: LocalService, send: () => Promise<unknown>): Promise<any> {
  service = on;
  return send().then(() => { throw new Error('the call succeeded'); }, (error) => error);
}

test('S3: 403 AccessDenied, the resource quoted, as the S3 client reads it', async () => {
  const error = await errorOf('s3', () => new S3Client({ ...clientOptions(endpoint, credentials), forcePathStyle: true })
    .send(new PutObjectCommand({ Bucket: 'b', Key: 'output/o.csv', Body: 'x' })));
  expect(error.name).toBe('AccessDenied');
  expect(error.$metadata.httpStatusCode).toBe(403);
  expect(error.message).toBe(`User: ${user} is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::b/output/o.csv" because no identity-based policy allows the s3:PutObject action`);
});

test('S3: a key the engine did not issue is InvalidAccessKeyId', async () => {
  const error = await errorOf('s3', () => new S3Client({ ...clientOptions(endpoint, TEST_CREDENTIALS), forcePathStyle: true }).send(new GetObjectCommand({ Bucket: 'b', Key: 'k' })));
  expect(error.name).toBe('InvalidAccessKeyId');
  expect(engine.accessDenied.filter((d) => d.resource === 'arn:aws:s3:::b/k')).toEqual([]);
});

test('DynamoDB and Step Functions: 400 AccessDeniedException naming the action', async () => {
  const write = await errorOf('dynamodb', () => new DynamoDBClient(clientOptions(endpoint, credentials)).send(new BatchWriteItemCommand({
    RequestItems: { Rejects: [{ PutRequest: { Item: { k: { S: '1' } } } }] },
  })));
  expect([write.name, write.$metadata.httpStatusCode]).toEqual(['AccessDeniedException', 400]);
  expect(write.message).toBe(`User: ${user} is not authorized to perform: dynamodb:BatchWriteItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/Rejects because no identity-based policy allows the dynamodb:BatchWriteItem action`);
  const start = await errorOf('states', () => new SFNClient(clientOptions(endpoint, credentials)).send(new StartExecutionCommand({
    stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:M', input: '{}',
  })));
  expect([start.name, start.$metadata.httpStatusCode]).toEqual(['AccessDeniedException', 400]);
  expect(start.message).toContain('is not authorized to perform: states:StartExecution on resource: arn:aws:states:us-east-1:000000000000:stateMachine:M');
});

test('EventBridge: 400 AccessDeniedException (AWS JSON 1.1) naming the action and the bus', async () => {
  const put = await errorOf('events', () => new EventBridgeClient(clientOptions(endpoint, credentials)).send(new PutEventsCommand({
    Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }],
  })));
  expect([put.name, put.$metadata.httpStatusCode]).toEqual(['AccessDeniedException', 400]);
  expect(put.message).toBe(`User: ${user} is not authorized to perform: events:PutEvents on resource: arn:aws:events:us-east-1:000000000000:event-bus/default because no identity-based policy allows the events:PutEvents action`);
});

test('Lambda: 403 AccessDeniedException; SES: its own wording', async () => {
  const invoke = await errorOf('lambda', () => new LambdaClient(clientOptions(endpoint, credentials)).send(new InvokeCommand({ FunctionName: 'Other' })));
  expect([invoke.name, invoke.$metadata.httpStatusCode]).toEqual(['AccessDeniedException', 403]);
  expect(invoke.message).toContain('lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:Other because no identity-based policy allows');
  const email = await errorOf('ses', () => new SESv2Client(clientOptions(endpoint, credentials)).send(new SendEmailCommand({
    FromEmailAddress: 'batch@example.com', Destination: { ToAddresses: ['ops@example.com'] }, Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 'b' } } } },
  })));
  expect([email.name, email.$metadata.httpStatusCode]).toEqual(['AccessDeniedException', 403]);
  expect(email.message).toBe(`User \`${user}' is not authorized to perform \`ses:SendEmail' on resource \`arn:aws:ses:us-east-1:000000000000:identity/batch@example.com'`);
});

test('every refusal is in the denial log, with caller, action and resource', () => {
  expect(engine.accessDenied).toEqual(expect.arrayContaining([
    { caller: user, action: 's3:PutObject', resource: 'arn:aws:s3:::b/output/o.csv' },
    { caller: user, action: 'dynamodb:BatchWriteItem', resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/Rejects' },
    { caller: user, action: 'ses:SendEmail', resource: 'arn:aws:ses:us-east-1:000000000000:identity/batch@example.com' },
  ]));
});
