import { BatchGetItemCommand, BatchWriteItemCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, DeleteObjectCommand, GetObjectCommand,
  GetObjectTaggingCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, UploadPartCommand, UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest as SignableRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { App } from 'aws-cdk-lib';
import { OrdersPipelineStack } from '../../../examples/orders-stack';
import { LocalService } from '../../../local/iam/access-denied-responses';
import { Caller, IamEngine } from '../../../local/iam/iam-engine';
import { AuthorizationCheck } from '../../../local/iam/policy-evaluation';
import { distributedMapChildChecks, syncExecutionChecks, taskChecks } from '../../../local/iam/state-machine-tasks';
import { HttpRequest } from '../../../local/shared/http-request';
import { synthesize } from '../../../local/template/cloud-assembly';
import { CfnTemplate } from '../../../local/template/token-resolver';
import { clientOptions, RequestRecorder, TEST_CREDENTIALS } from '../../support/sdk-requests';

// The example stack, synthesized as the local runner synthesizes it (local/cloud-assembly.ts).
const { assembly } = synthesize({
  createStack: (app: App) => new OrdersPipelineStack(app, 'Orders', { emailSender: 'batch@example.com', emailRecipients: ['ops@example.com'] }),
  apiBaseUrl: 'http://127.0.0.1:1',
});
afterAll(() => assembly.dispose());

const named = (prefix: string, names: string[]) => {
  const found = names.filter((n) => n.startsWith(prefix));
  if (found.length !== 1) throw new Error(`expected one ${prefix}*, found ${found.join(', ')}`);
  return found[0];
};
const fn = (prefix: string) => named(prefix, assembly.functions.map((f) => f.name));
const machine = (prefix: string) => assembly.stateMachines.find((m) => m.name.startsWith(prefix))!.arn;
const bucket = assembly.buckets[0];
const rejectsTable = named('OrdersRejectedRecords', assembly.tables.map((t) => t.name));
const financialsTable = named('Financials', assembly.tables.map((t) => t.name));
const orchestrator = machine('OrdersOrchestrator');
const chunkProcessor = machine('OrdersChunkProcessor');
const fnArn = (name: string) => `arn:aws:lambda:${assembly.env.region}:${assembly.env.account}:function:${name}`;

const engineFor = (template: CfnTemplate, options: Partial<ConstructorParameters<typeof IamEngine>[0]> = {}) =>
  new IamEngine({ template, env: assembly.env, restApis: assembly.restApis.map((a) => ({ id: a.id, stageName: a.stageName })), ...options });

let recorder: RequestRecorder;
beforeAll(async () => { recorder = await RequestRecorder.start(); });
afterAll(() => recorder.close());

/** A call the pipeline makes on its happy path. */
interface Call {
  readonly name: string;
  /** Whether the engine allows it. */
  allowed(engine: IamEngine): Promise<boolean>;
}

type Send = (endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }) => Promise<unknown>;

/** A request a function's handler makes with the real SDK, signed with that function's local credentials. */
function request(name: string, functionPrefix: string, service: LocalService, send: Send): Call {
  return {
    name,
    async allowed(engine) {
      const caller = engine.callerFor(fn(functionPrefix));
      const recorded = await recorder.one((endpoint) => send(endpoint, caller.credentials!));
      return engine.authorizeRequest(service, recorded).allowed;
    },
  };
}

/** A call Step Functions or another service makes on its own, asked directly. */
function direct(name: string, callerOf: (engine: IamEngine) => Caller, checks: AuthorizationCheck[], context = {}): Call {
  return { name, allowed: async (engine) => engine.authorize(callerOf(engine), checks, context).every((d) => d.allowed) };
}

const s3 = (endpoint: string, credentials: any) => new S3Client({ ...clientOptions(endpoint, credentials), forcePathStyle: true });
const runs = 'runs/run-1/';
const env = assembly.env;

/** Every call each handler and state machine makes on the happy path (read from lambda-src/ and the definitions). */
const happyPath: Call[] = [
  request('trigger starts the orchestrator', 'OrdersTrigger', 'states', (e, c) => new SFNClient(clientOptions(e, c)).send(new StartExecutionCommand({ stateMachineArn: orchestrator, name: 'run-1', input: '{}' }))),
  request('split-input reads the upload (its version)', 'OrdersSplitInput', 's3', (e, c) => s3(e, c).send(new GetObjectCommand({ Bucket: bucket, Key: 'input/orders.csv', VersionId: 'v1' }))),
  request('split-input writes a chunk', 'OrdersSplitInput', 's3', (e, c) => s3(e, c).send(new PutObjectCommand({ Bucket: bucket, Key: `${runs}chunks/00000.csv`, Body: 'x' }))),
  request('split-input writes the manifest', 'OrdersSplitInput', 's3', (e, c) => s3(e, c).send(new PutObjectCommand({ Bucket: bucket, Key: `${runs}manifest.json`, Body: '[]' }))),
  request('validate-chunk reads a chunk', 'OrdersValidateChunk', 's3', (e, c) => s3(e, c).send(new GetObjectCommand({ Bucket: bucket, Key: `${runs}chunks/00000.csv` }))),
  request('validate-chunk writes the valid records', 'OrdersValidateChunk', 's3', (e, c) => s3(e, c).send(new PutObjectCommand({ Bucket: bucket, Key: `${runs}validated/00000.json`, Body: '{}' }))),
  request('enrich-chunk reads the valid records', 'OrdersEnrichChunk', 's3', (e, c) => s3(e, c).send(new GetObjectCommand({ Bucket: bucket, Key: `${runs}validated/00000.json` }))),
  request('enrich-chunk writes the processed chunk', 'OrdersEnrichChunk', 's3', (e, c) => s3(e, c).send(new PutObjectCommand({ Bucket: bucket, Key: `${runs}processed/00000.csv`, Body: 'x' }))),
  request('enrich-chunk POSTs /financials/batch, signed for execute-api', 'OrdersEnrichChunk', 'execute-api', async (e, c) => {
    const url = new URL(`${e}/${assembly.restApis[0].stageName}/financials/batch`);
    const signer = new SignatureV4({ service: 'execute-api', region: env.region, credentials: c, sha256: Sha256 });
    const signed = await signer.sign(new SignableRequest({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      headers: { 'host': url.host, 'content-type': 'application/json' },
      body: '{"header":[],"records":[]}',
    }));
    return fetch(url, { method: 'POST', headers: signed.headers, body: signed.body });
  }),
  request('record-rejects reads the rejects of a chunk', 'OrdersRecordRejects', 's3', (e, c) => s3(e, c).send(new GetObjectCommand({ Bucket: bucket, Key: `${runs}rejects/00000.validation.jsonl` }))),
  request('record-rejects batch-writes the rejects table', 'OrdersRecordRejects', 'dynamodb', (e, c) => new DynamoDBClient(clientOptions(e, c)).send(new BatchWriteItemCommand({
    RequestItems: { [rejectsTable]: [{ PutRequest: { Item: { runId: { S: 'run-1' }, line: { N: '2' } } } }] },
  }))),
  request('merge-chunks reads the Map\'s exported results', 'OrdersMergeChunks', 's3', (e, c) => s3(e, c).send(new GetObjectCommand({ Bucket: bucket, Key: `${runs}map-results/m1/manifest.json` }))),
  request('merge-chunks reads a processed chunk', 'OrdersMergeChunks', 's3', (e, c) => s3(e, c).send(new GetObjectCommand({ Bucket: bucket, Key: `${runs}processed/00000.csv` }))),
  request('merge-chunks starts the staged output\'s upload', 'OrdersMergeChunks', 's3', (e, c) => s3(e, c).send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: `${runs}merged/orders.csv` }))),
  request('merge-chunks uploads a part', 'OrdersMergeChunks', 's3', (e, c) => s3(e, c).send(new UploadPartCommand({ Bucket: bucket, Key: `${runs}merged/orders.csv`, UploadId: 'u', PartNumber: 1, Body: 'x' }))),
  request('merge-chunks completes the upload', 'OrdersMergeChunks', 's3', (e, c) => s3(e, c).send(new CompleteMultipartUploadCommand({
    Bucket: bucket, Key: `${runs}merged/orders.csv`, UploadId: 'u', MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"e"' }] },
  }))),
  request('merge-chunks stages the rejects file', 'OrdersMergeChunks', 's3', (e, c) => s3(e, c).send(new PutObjectCommand({ Bucket: bucket, Key: `${runs}merged/orders.rejects.csv`, Body: 'x' }))),
  request('archive-input reads the upload\'s size (its version)', 'OrdersArchiveInput', 's3', (e, c) => s3(e, c).send(new HeadObjectCommand({
    Bucket: bucket, Key: 'input/orders.csv', VersionId: 'v1',
  }))),
  request('archive-input copies the upload (its version, tags included) to the archive', 'OrdersArchiveInput', 's3', (e, c) => s3(e, c).send(new CopyObjectCommand({
    Bucket: bucket, Key: 'archive/run-1/orders.csv', CopySource: `${bucket}/input/orders.csv?versionId=v1`, CopySourceIfMatch: '"e"',
  }))),
  request('archive-input reads the upload\'s tags (its version)', 'OrdersArchiveInput', 's3', (e, c) => s3(e, c).send(new GetObjectTaggingCommand({
    Bucket: bucket, Key: 'input/orders.csv', VersionId: 'v1',
  }))),
  request('archive-input starts a multipart copy, with the tags', 'OrdersArchiveInput', 's3', (e, c) => s3(e, c).send(new CreateMultipartUploadCommand({
    Bucket: bucket, Key: 'archive/run-1/orders.csv', Tagging: 'owner=data',
  }))),
  request('archive-input copies a part of the upload (its version)', 'OrdersArchiveInput', 's3', (e, c) => s3(e, c).send(new UploadPartCopyCommand({
    Bucket: bucket, Key: 'archive/run-1/orders.csv', UploadId: 'u', PartNumber: 1, CopySource: `${bucket}/input/orders.csv?versionId=v1`, CopySourceRange: 'bytes=0-9',
  }))),
  request('archive-input completes the multipart copy', 'OrdersArchiveInput', 's3', (e, c) => s3(e, c).send(new CompleteMultipartUploadCommand({
    Bucket: bucket, Key: 'archive/run-1/orders.csv', UploadId: 'u', MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"e"' }] },
  }))),
  request('archive-input aborts a failed multipart copy', 'OrdersArchiveInput', 's3', (e, c) => s3(e, c).send(new AbortMultipartUploadCommand({
    Bucket: bucket, Key: 'archive/run-1/orders.csv', UploadId: 'u',
  }))),
  // Whether an object exists is asked by listing its key as a prefix: a GET or HEAD of a missing key answers 404 only to a
  // role that may list the whole bucket (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
  request('archive-input finds the input already gone', 'OrdersArchiveInput', 's3', (e, c) => s3(e, c).send(new ListObjectsV2Command({
    Bucket: bucket, Prefix: 'input/orders.csv', MaxKeys: 1,
  }))),
  request('archive-input finds the archive of an input already gone', 'OrdersArchiveInput', 's3', (e, c) => s3(e, c).send(new ListObjectsV2Command({
    Bucket: bucket, Prefix: 'archive/run-1/orders.csv', MaxKeys: 1,
  }))),
  request('notify finds the run plan', 'OrdersNotify', 's3', (e, c) => s3(e, c).send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${runs}run.json`, MaxKeys: 1 }))),
  request('notify reads the run plan', 'OrdersNotify', 's3', (e, c) => s3(e, c).send(new GetObjectCommand({ Bucket: bucket, Key: `${runs}run.json` }))),
  request('notify lists the chunk failures', 'OrdersNotify', 's3', (e, c) => s3(e, c).send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${runs}failures/` }))),
  request('notify publishes the staged output', 'OrdersNotify', 's3', (e, c) => s3(e, c).send(new CopyObjectCommand({
    Bucket: bucket, Key: 'output/run-1/orders.csv', CopySource: `${bucket}/${runs}merged/orders.csv`, TaggingDirective: 'REPLACE',
  }))),
  request('notify reads the staged output\'s size', 'OrdersNotify', 's3', (e, c) => s3(e, c).send(new HeadObjectCommand({ Bucket: bucket, Key: `${runs}merged/orders.csv` }))),
  request('notify starts a multipart copy of the staged output', 'OrdersNotify', 's3', (e, c) => s3(e, c).send(new CreateMultipartUploadCommand({
    Bucket: bucket, Key: 'output/run-1/orders.csv',
  }))),
  request('notify copies a part of the staged output', 'OrdersNotify', 's3', (e, c) => s3(e, c).send(new UploadPartCopyCommand({
    Bucket: bucket, Key: 'output/run-1/orders.csv', UploadId: 'u', PartNumber: 1, CopySource: `${bucket}/${runs}merged/orders.csv`, CopySourceRange: 'bytes=0-9',
  }))),
  request('notify completes the multipart copy', 'OrdersNotify', 's3', (e, c) => s3(e, c).send(new CompleteMultipartUploadCommand({
    Bucket: bucket, Key: 'output/run-1/orders.csv', UploadId: 'u', MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"e"' }] },
  }))),
  request('notify aborts a failed multipart copy', 'OrdersNotify', 's3', (e, c) => s3(e, c).send(new AbortMultipartUploadCommand({
    Bucket: bucket, Key: 'output/run-1/orders.csv', UploadId: 'u',
  }))),
  request('notify removes the input once published', 'OrdersNotify', 's3', (e, c) => s3(e, c).send(new DeleteObjectCommand({ Bucket: bucket, Key: 'input/orders.csv' }))),
  request('notify checks the output exists', 'OrdersNotify', 's3', (e, c) => s3(e, c).send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'output/run-1/orders.csv', MaxKeys: 1 }))),
  request('notify writes the summary', 'OrdersNotify', 's3', (e, c) => s3(e, c).send(new PutObjectCommand({ Bucket: bucket, Key: 'output/run-1/summary.json', Body: '{}' }))),
  request('a recipient follows notify\'s presigned link', 'OrdersNotify', 's3',
    async (e, c) => fetch(await getSignedUrl(s3(e, c), new GetObjectCommand({ Bucket: bucket, Key: 'output/run-1/orders.csv' }), { expiresIn: 60 }))),
  request('notify withdraws a failed run\'s output', 'OrdersNotify', 's3', (e, c) => s3(e, c).send(new DeleteObjectCommand({ Bucket: bucket, Key: 'output/run-1/orders.csv' }))),
  request('notify sends the email', 'OrdersNotify', 'ses', (e, c) => new SESv2Client(clientOptions(e, c)).send(new SendEmailCommand({
    FromEmailAddress: 'batch@example.com', Destination: { ToAddresses: ['ops@example.com'] }, Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 'b' } } } },
  }))),
  request('notify puts the run event on the default bus', 'OrdersNotify', 'events', (e, c) => new EventBridgeClient(clientOptions(e, c)).send(new PutEventsCommand({
    Entries: [{ Source: 'cdk-batch-file-processor', DetailType: 'Batch Run Succeeded', Detail: '{}' }],
  }))),
  request('notify reads a failed run\'s execution history', 'OrdersNotify', 'states', (e, c) => new SFNClient(clientOptions(e, c)).send(new GetExecutionHistoryCommand({
    executionArn: `${orchestrator.replace(':stateMachine:', ':execution:')}:run-1`, reverseOrder: true,
  }))),
  request('financials-api reads one item', 'FinancialsFunction', 'dynamodb', (e, c) => new DynamoDBClient(clientOptions(e, c)).send(new GetItemCommand({ TableName: financialsTable, Key: { uuid: { S: 'u' } } }))),
  request('financials-api reads a batch', 'FinancialsFunction', 'dynamodb', (e, c) => new DynamoDBClient(clientOptions(e, c)).send(new BatchGetItemCommand({
    RequestItems: { [financialsTable]: { Keys: [{ uuid: { S: 'u' } }] } },
  }))),
  direct('S3 invokes the trigger for an upload', (e) => e.serviceCaller('s3.amazonaws.com'), [{ action: 'lambda:InvokeFunction', resource: fnArn(fn('OrdersTrigger')) }],
    { 'aws:SourceArn': `arn:aws:s3:::${bucket}`, 'aws:SourceAccount': env.account }),
  direct('API Gateway invokes the financials function', (e) => e.serviceCaller('apigateway.amazonaws.com'), [{ action: 'lambda:InvokeFunction', resource: fnArn(fn('FinancialsFunction')) }],
    { 'aws:SourceArn': `arn:aws:execute-api:${env.region}:${env.account}:${assembly.restApis[0].id}/prod/POST/financials/batch` }),
];

/** The state machines' Task states, by state machine and state name, with the parameters they evaluate to on the happy path. */
const taskParameters: Record<string, Record<string, Record<string, unknown>>> = {
  OrdersOrchestrator: {
    'TakeTurn': {},
    'SplitInput': {},
    'ProcessChunks.ItemReader': { Bucket: bucket, Key: `${runs}manifest.json` },
    'ProcessChunks.ResultWriter': { Bucket: bucket, Key: `${runs}map-results/m1/SUCCEEDED_0.json` },
    'StartChunkProcessor': { StateMachineArn: chunkProcessor, Input: {} },
    'MergeChunks': {},
    'ArchiveInput': {},
    'NotifySuccess': {},
  },
  OrdersChunkProcessor: {
    ValidateChunk: {},
    EnrichChunk: {},
    RecordRejects: {},
    RecordChunkFailure: { Bucket: bucket, Key: `${runs}failures/0`, Body: 'cause' },
  },
};

/** Each Task (and ItemReader) of a definition: name and Resource. */
function tasksOf(states: Record<string, any>): Array<[string, string]> {
  return Object.entries(states).flatMap(([name, state]): Array<[string, string]> => [
    ...state.Type === 'Task' ? [[name, state.Resource] as [string, string]] : [],
    ...state.ItemReader ? [[`${name}.ItemReader`, state.ItemReader.Resource] as [string, string]] : [],
    ...state.ResultWriter ? [[`${name}.ResultWriter`, state.ResultWriter.Resource] as [string, string]] : [],
    ...state.ItemProcessor ? tasksOf(state.ItemProcessor.States) : [],
  ]);
}

const stateMachineCalls: Call[] = assembly.stateMachines.flatMap((m) => {
  const prefix = Object.keys(taskParameters).find((p) => m.name.startsWith(p))!;
  return tasksOf(m.definition.States).map(([state, resource]) =>
    direct(`${prefix} ${state}`, (e) => e.callerFor(m.arn), taskChecks(resource, taskParameters[prefix][state], env)));
}).concat([
  direct('OrdersOrchestrator follows a chunk execution (.sync)', (e) => e.callerFor(orchestrator), syncExecutionChecks(`${chunkProcessor.replace(':stateMachine:', ':execution:')}:chunk-0`)),
  direct('OrdersOrchestrator starts the Distributed Map\'s children', (e) => e.callerFor(orchestrator), distributedMapChildChecks(orchestrator)),
]);

const allCalls = [...happyPath, ...stateMachineCalls];

async function deniedCalls(engine: IamEngine): Promise<string[]> {
  const denied: string[] = [];
  for (const call of allCalls) if (!(await call.allowed(engine))) denied.push(call.name);
  return denied;
}

/** The template with one policy statement, or one resource, removed. */
function without(template: CfnTemplate, match: { policyOf?: string; action?: string | string[]; resource?: string }): CfnTemplate {
  const copy = JSON.parse(JSON.stringify(template));
  if (match.resource) {
    const id = Object.keys(copy.Resources).find((r) => r.startsWith(match.resource!));
    if (!id) throw new Error(`no resource ${match.resource}*`);
    delete copy.Resources[id];
    return copy;
  }
  const [, policy] = Object.entries<any>(copy.Resources).find(([id, r]) => r.Type === 'AWS::IAM::Policy' && id.startsWith(match.policyOf!)) ?? [];
  if (!policy) throw new Error(`no policy ${match.policyOf}*`);
  const statements: any[] = policy.Properties.PolicyDocument.Statement;
  const index = statements.findIndex((s) => JSON.stringify([s.Action].flat()) === JSON.stringify([match.action].flat()));
  if (index < 0) throw new Error(`no statement with Action ${match.action} in ${match.policyOf}`);
  statements.splice(index, 1);
  return copy;
}

describe('the example stack, as synthesized', () => {
  test('every call of the happy path is allowed, and every Task of both definitions is covered', async () => {
    expect(stateMachineCalls.map((c) => c.name).sort()).toEqual([
      ...Object.entries(taskParameters).flatMap(([m, states]) => Object.keys(states).map((s) => `${m} ${s}`)),
      'OrdersOrchestrator follows a chunk execution (.sync)', 'OrdersOrchestrator starts the Distributed Map\'s children',
    ].sort());
    const engine = engineFor(assembly.template);
    expect(await deniedCalls(engine)).toEqual([]);
    expect(engine.accessDenied).toEqual([]);
  });

  test.each([
    ['the rejects table grant of record-rejects', { policyOf: 'OrdersRecordRejectsServiceRoleDefaultPolicy', action: 'dynamodb:BatchWriteItem' }, ['record-rejects batch-writes the rejects table']],
    ['the trigger\'s StartExecution grant', { policyOf: 'OrdersTriggerServiceRoleDefaultPolicy', action: 'states:StartExecution' }, ['trigger starts the orchestrator']],
    ['notify\'s SES grant', { policyOf: 'OrdersNotifyServiceRoleDefaultPolicy', action: 'ses:SendEmail' }, ['notify sends the email']],
    ['notify\'s PutEvents grant', { policyOf: 'OrdersNotifyServiceRoleDefaultPolicy', action: 'events:PutEvents' }, ['notify puts the run event on the default bus']],
    ['notify\'s execution history grant', { policyOf: 'OrdersNotifyExecutionHistoryPolicy', action: 'states:GetExecutionHistory' }, ['notify reads a failed run\'s execution history']],
    // Notify deletes under two prefixes, one statement each: this one is the output's.
    ['notify\'s delete grant on the output', { policyOf: 'OrdersNotifyServiceRoleDefaultPolicy', action: 's3:DeleteObject' }, ['notify withdraws a failed run\'s output']],
    ['enrich-chunk\'s execute-api grant', { policyOf: 'OrdersEnrichChunkServiceRoleDefaultPolicy', action: 'execute-api:Invoke' }, ['enrich-chunk POSTs /financials/batch, signed for execute-api']],
    ['the archive function\'s write of the archive', { policyOf: 'OrdersArchiveInputServiceRoleDefaultPolicy', action: ['s3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload'] }, [
      'archive-input copies the upload (its version, tags included) to the archive', 'archive-input starts a multipart copy, with the tags',
      'archive-input copies a part of the upload (its version)', 'archive-input completes the multipart copy', 'archive-input aborts a failed multipart copy',
    ]],
    ['the archive function\'s read of the upload\'s tags', { policyOf: 'OrdersArchiveInputServiceRoleDefaultPolicy', action: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:GetObjectVersionTagging'] }, [
      'archive-input reads the upload\'s size (its version)', 'archive-input copies the upload (its version, tags included) to the archive',
      'archive-input reads the upload\'s tags (its version)', 'archive-input copies a part of the upload (its version)',
    ]],
    ['the orchestrator\'s write of the Map\'s results', { policyOf: 'OrdersOrchestratorRoleDefaultPolicy', action: ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'] },
      ['OrdersOrchestrator ProcessChunks.ResultWriter']],
    ['the Distributed Map\'s StartExecution on the orchestrator', { policyOf: 'OrdersOrchestratorDistributedMapPolicy', action: 'states:StartExecution' },
      ['OrdersOrchestrator starts the Distributed Map\'s children']],
    ['S3\'s permission to invoke the trigger', { resource: 'OrdersBucketAllowBucketNotificationsToOrdersTrigger' }, ['S3 invokes the trigger for an upload']],
  ])('removing %s denies exactly the calls it granted', async (_what, match, expected) => {
    const engine = engineFor(without(assembly.template, match));
    expect(await deniedCalls(engine)).toEqual(expected);
    expect(engine.accessDenied.length).toBeGreaterThan(0);
  });

  test('a request signed with a key the engine did not issue is refused as S3 and DynamoDB refuse unknown keys, and is not an IAM denial', async () => {
    const engine = engineFor(assembly.template);
    const get = await recorder.one((e) => s3(e, TEST_CREDENTIALS).send(new GetObjectCommand({ Bucket: bucket, Key: `${runs}manifest.json` })));
    const verdict = engine.authorizeRequest('s3', get);
    expect(verdict.allowed).toBe(false);
    expect(!verdict.allowed && verdict.response).toMatchObject({ status: 403, body: expect.stringContaining('<Code>InvalidAccessKeyId</Code>') });
    const unsigned: HttpRequest = { method: 'GET', url: `/${bucket}/${runs}manifest.json`, headers: {} };
    expect(engine.authorizeRequest('s3', unsigned)).toMatchObject({ allowed: false, response: { status: 403, body: expect.stringContaining('<Code>AccessDenied</Code>') } });
    const write = await recorder.one((e) => new DynamoDBClient(clientOptions(e))
      .send(new BatchWriteItemCommand({ RequestItems: { [rejectsTable]: [] } })));
    expect(engine.authorizeRequest('dynamodb', write)).toMatchObject({ allowed: false, response: { status: 400, body: expect.stringContaining('UnrecognizedClientException') } });
    expect(engine.accessDenied).toEqual([]);
  });

  test('each function and state machine has its own key, and a key names its caller', async () => {
    const engine = engineFor(assembly.template);
    const callers = engine.issuedCredentials();
    // Every function of the template (CDK's own bucket-notifications handler too) and every state machine.
    const runners = [...assembly.functions.map((f) => f.name), ...assembly.stateMachines.map((m) => m.arn)];
    expect(callers.map((c) => c.runs)).toEqual(expect.arrayContaining(runners));
    expect(callers).toHaveLength(assembly.functions.length + 1 + assembly.stateMachines.length);
    expect(new Set(callers.map((c) => c.credentials!.accessKeyId)).size).toBe(callers.length);
    for (const caller of callers) expect(caller.credentials!.accessKeyId).toMatch(/^LOCAL[A-Z2-7]{15}$/);
    const split = engine.callerFor(fn('OrdersSplitInput'));
    expect(split.principal).toMatchObject({ sessionArn: `arn:aws:sts::000000000000:assumed-role/${split.principal.kind === 'role' && split.principal.roleArn.split('/').pop()}/${fn('OrdersSplitInput')}` });
    const signed = await recorder.one((e) => s3(e, split.credentials).send(new GetObjectCommand({ Bucket: bucket, Key: 'input/orders.csv' })));
    expect(engine.callerOf(signed)).toBe(split);
    // The same role session gets the same key in every run.
    const { accessKeyId, secretAccessKey } = engineFor(assembly.template).callerFor(fn('OrdersSplitInput')).credentials!;
    expect([accessKeyId, secretAccessKey]).toEqual([split.credentials!.accessKeyId, split.credentials!.secretAccessKey]);
  });

  test('a call outside a handler\'s grants is refused and logged: split-input may not write the output', async () => {
    const engine = engineFor(assembly.template);
    const split = engine.callerFor(fn('OrdersSplitInput'));
    const put = await recorder.one((e) => s3(e, split.credentials).send(new PutObjectCommand({ Bucket: bucket, Key: 'output/run-1/orders.csv', Body: 'x' })));
    expect(engine.authorizeRequest('s3', put).allowed).toBe(false);
    expect(engine.accessDenied).toEqual([{ caller: (split.principal as any).sessionArn, action: 's3:PutObject', resource: `arn:aws:s3:::${bucket}/output/run-1/orders.csv` }]);
  });

  test('with aws:SecureTransport taken from the request, the bucket policy refuses the stand-in\'s plain HTTP', async () => {
    const engine = engineFor(assembly.template, { secureTransport: 'from-request' });
    const split = engine.callerFor(fn('OrdersSplitInput'));
    const get = await recorder.one((e) => s3(e, split.credentials).send(new GetObjectCommand({ Bucket: bucket, Key: 'input/orders.csv' })));
    const verdict = engine.authorizeRequest('s3', get);
    expect(!verdict.allowed && verdict.response.body).toContain('with an explicit deny in a resource-based policy');
  });

  test('in the SES sandbox, notify\'s grant on the sender\'s identity alone is refused for a recipient outside it', async () => {
    const engine = engineFor(assembly.template, { ses: { sandbox: true, verifiedIdentities: ['batch@example.com', 'ops@example.org'] } });
    const notify = engine.callerFor(fn('OrdersNotify'));
    const send = await recorder.one((e) => new SESv2Client(clientOptions(e, notify.credentials)).send(new SendEmailCommand({
      FromEmailAddress: 'batch@example.com', Destination: { ToAddresses: ['ops@example.org'] }, Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 'b' } } } },
    })));
    expect(engine.authorizeRequest('ses', send).allowed).toBe(false);
    expect(engine.accessDenied).toEqual([expect.objectContaining({ action: 'ses:SendEmail', resource: `arn:aws:ses:${env.region}:${env.account}:identity/ops@example.org` })]);
  });
});

