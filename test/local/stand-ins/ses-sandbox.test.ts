import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { HttpRequest } from '../../../local/shared/http-request';
import { SesAccount, sesRefusal, templateEmailIdentities } from '../../../local/stand-ins/ses-sandbox';
import { clientOptions, RequestRecorder } from '../../support/sdk-requests';

let recorder: RequestRecorder;
beforeAll(async () => { recorder = await RequestRecorder.start(); });
afterAll(() => recorder.close());

const sandbox: SesAccount = { region: 'us-east-1', sandbox: true, verifiedIdentities: ['pipeline@example.com', 'ops@example.com', 'example.org'] };

const sendEmail = (from: string, to: string[], cc: string[] = []) => new SendEmailCommand({
  FromEmailAddress: from, Destination: { ToAddresses: to, CcAddresses: cc }, Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 'b' } } } },
});
const recorded = (command: SendEmailCommand) => recorder.one((e) => new SESv2Client(clientOptions(e)).send(command));
const refusalOf = async (command: SendEmailCommand, account = sandbox) => sesRefusal(await recorded(command), account);

describe('sesRefusal', () => {
  test('a verified sender may send to verified recipients, addresses or any address of a verified domain', async () => {
    expect(await refusalOf(sendEmail('Pipeline <pipeline@example.com>', ['ops@example.com', 'anyone@example.org'], ['lead@mail.example.org']))).toBeUndefined();
  });

  test('in the sandbox, unverified recipients are refused as SES refuses them, each named once', async () => {
    const refused = await refusalOf(sendEmail('pipeline@example.com', ['ops@example.com', 'boss@elsewhere.com', 'Boss <boss@elsewhere.com>'], ['x@example.net']));
    expect(refused).toEqual({
      status: 400,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'MessageRejected' },
      body: JSON.stringify({ message: 'Email address is not verified. The following identities failed the check in region US-EAST-1: boss@elsewhere.com, x@example.net' }),
    });
  });

  test('with production access recipients need not be verified, the sender still must', async () => {
    const production = { ...sandbox, sandbox: false };
    expect(await refusalOf(sendEmail('pipeline@example.com', ['boss@elsewhere.com']), production)).toBeUndefined();
    expect(JSON.parse((await refusalOf(sendEmail('noreply@elsewhere.com', ['ops@example.com']), production))!.body).message)
      .toBe('Email address is not verified. The following identities failed the check in region US-EAST-1: noreply@elsewhere.com');
  });

  test('more than 50 recipients, To and Cc together, are refused whoever they are; 50 are not', async () => {
    const recipients = (n: number) => Array.from({ length: n }, (_, i) => `r${i}@example.org`);
    expect(await refusalOf(sendEmail('pipeline@example.com', recipients(40), recipients(10)))).toBeUndefined();
    expect(await refusalOf(sendEmail('pipeline@example.com', recipients(40), recipients(11)))).toEqual({
      status: 400, headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'BadRequestException' }, body: JSON.stringify({ message: 'Recipient count exceeds 50.' }),
    });
  });
});

test('the SES v2 client throws MessageRejected with SES\'s message', async () => {
  let refused!: HttpRequest;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      refused = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) };
      const response = sesRefusal(refused, sandbox)!;
      res.writeHead(response.status, response.headers);
      res.end(response.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  try {
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const error = await new SESv2Client(clientOptions(endpoint)).send(sendEmail('pipeline@example.com', ['boss@elsewhere.com'])).catch((e) => e);
    expect([error.name, error.$metadata.httpStatusCode, error.message])
      .toEqual(['MessageRejected', 400, 'Email address is not verified. The following identities failed the check in region US-EAST-1: boss@elsewhere.com']);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test('the identities a template verifies are its AWS::SES::EmailIdentity resources', () => {
  const identities = templateEmailIdentities({
    Resources: {
      Domain: { Type: 'AWS::SES::EmailIdentity', Properties: { EmailIdentity: 'example.org' } },
      Sender: { Type: 'AWS::SES::EmailIdentity', Properties: { EmailIdentity: { 'Fn::Join': ['', ['alerts@', 'example.com']] } } },
      Bucket: { Type: 'AWS::S3::Bucket' },
    },
  }, { region: 'us-east-1', account: '000000000000', stackName: 'T' });
  expect(identities).toEqual(['example.org', 'alerts@example.com']);
});
