import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { IamEngine } from '../../../local/iam/iam-engine';
import { gateServer } from '../../../local/iam/request-gate';
import { s3Gate } from '../../../local/iam/stand-in-gates';
import { LOCAL_CREDENTIALS, startStandIns, StandIns } from '../../../local/stand-ins/stand-ins';
import { CfnTemplate, LocalEnvironment } from '../../../local/template/token-resolver';

const env: LocalEnvironment = { region: 'us-east-1', account: '000000000000', stackName: 'T' };
const bucket = 'gated-reads';
const read = { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/runs/*` };
const listAll = { Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${bucket}` };
const listUnderRuns = { ...listAll, Condition: { StringLike: { 's3:prefix': ['runs/*'] } } };

/** One function per way of granting s3:ListBucket, each with s3:GetObject under `runs/`. */
function template(functions: Record<string, unknown[]>): CfnTemplate {
  const resources: CfnTemplate['Resources'] = {};
  for (const [name, statements] of Object.entries(functions)) {
    resources[`${name}Role`] = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } };
    resources[name] = { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': [`${name}Role`, 'Arn'] } } };
    resources[`${name}Policy`] = {
      Type: 'AWS::IAM::Policy',
      Properties: { PolicyName: `${name}Policy`, Roles: [{ Ref: `${name}Role` }], PolicyDocument: { Version: '2012-10-17', Statement: statements } },
    };
  }
  return { Resources: resources };
}

describe('the S3 gate: a GET or HEAD of a missing key, as S3 answers it (API_GetObject, "Permissions")', () => {
  let standIns: StandIns;
  let engine: IamEngine;
  const clients: S3Client[] = [];
  const client = (credentials: { accessKeyId: string; secretAccessKey: string }) => {
    const made = new S3Client({ region: 'us-east-1', endpoint: standIns.s3Endpoint, credentials, forcePathStyle: true, maxAttempts: 1 });
    clients.push(made);
    return made;
  };
  const as = (fn: string) => client(engine.callerFor(fn).credentials!);
  /** What a GET and a HEAD of `key` answer: the status, and the error's name when refused. */
  const answers = async (s3: S3Client, key: string) => Promise.all([
    new GetObjectCommand({ Bucket: bucket, Key: key }),
    new HeadObjectCommand({ Bucket: bucket, Key: key }),
  ].map((command) => s3.send(command as any).then(
    () => 200,
    (error: { name: string; $metadata?: { httpStatusCode?: number } }) => `${error.$metadata?.httpStatusCode} ${error.name}`,
  )));

  beforeAll(async () => {
    standIns = await startStandIns();
    engine = new IamEngine({
      template: template({ ListsAll: [read, listAll], ListsUnderRuns: [read, listUnderRuns], Lists: [read] }),
      env,
      trustedAccessKeyIds: [LOCAL_CREDENTIALS.accessKeyId],
    });
    // s3rver checks that a request's key is one it knows: it must know the functions'.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account');
    for (const { credentials } of engine.issuedCredentials()) DUMMY_ACCOUNT.createKeyPair(credentials!.accessKeyId, credentials!.secretAccessKey);
    const own = client(LOCAL_CREDENTIALS);
    await own.send(new CreateBucketCommand({ Bucket: bucket }));
    gateServer(standIns.s3Server, s3Gate(engine, standIns.s3ObjectExists));
    await own.send(new PutObjectCommand({ Bucket: bucket, Key: 'runs/there.json', Body: '{}' }));
  });
  afterAll(async () => {
    for (const made of clients) made.destroy();
    await standIns.close();
  });

  test('with s3:ListBucket on the bucket, unconditioned: 404 NoSuchKey (GET) and 404 NotFound (HEAD)', async () => {
    expect(await answers(as('ListsAll'), 'runs/missing.json')).toEqual(['404 NoSuchKey', '404 NotFound']);
  });

  test('with s3:ListBucket only under an s3:prefix that covers the key: 403 AccessDenied, logged as the ListBucket refused', async () => {
    const before = engine.accessDenied.length;
    expect(await answers(as('ListsUnderRuns'), 'runs/missing.json')).toEqual(['403 AccessDenied', '403 Unknown']);
    expect(engine.accessDenied.slice(before)).toEqual([
      { caller: 'arn:aws:sts::000000000000:assumed-role/ListsUnderRunsRole/ListsUnderRuns', action: 's3:ListBucket', resource: `arn:aws:s3:::${bucket}` },
      { caller: 'arn:aws:sts::000000000000:assumed-role/ListsUnderRunsRole/ListsUnderRuns', action: 's3:ListBucket', resource: `arn:aws:s3:::${bucket}` },
    ]);
  });

  test('without s3:ListBucket: 403 AccessDenied, naming the action that would have made it a 404', async () => {
    expect(await answers(as('Lists'), 'runs/missing.json')).toEqual(['403 AccessDenied', '403 Unknown']);
    await expect(as('Lists').send(new GetObjectCommand({ Bucket: bucket, Key: 'runs/missing.json' })))
      .rejects.toThrow(/is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::gated-reads"/);
  });

  test('an object that exists is read whatever the listing grant; a read outside s3:GetObject is refused as before', async () => {
    for (const fn of ['ListsAll', 'ListsUnderRuns', 'Lists']) expect(await answers(as(fn), 'runs/there.json')).toEqual([200, 200]);
    expect(await answers(as('ListsAll'), 'other/missing.json')).toEqual(['403 AccessDenied', '403 Unknown']);
  });

  test('the local cloud\'s own (trusted) key gets the stand-in\'s 404', async () => {
    expect(await answers(client(LOCAL_CREDENTIALS), 'runs/missing.json')).toEqual(['404 NoSuchKey', '404 NotFound']);
  });
});
