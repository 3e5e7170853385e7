import * as fs from 'node:fs';
import * as path from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LocalRunOptions, runLocally } from '../../local/run/runner';
import { writeSampleOrders } from '../../local/samples/sample-orders';
import { exampleWith } from '../support/permission-removal';
import { tempFolder } from '../support/temp-folder';

// SES as a new account has it: in the sandbox only verified identities send and receive, at most 50 recipients
// a message. A refused email is not sent, and the run goes on as the construct intends: it still succeeds.
const work = tempFolder('e2e-ses-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const sample = writeSampleOrders(path.join(work, 'sample'), { records: 120, seed: 19 });
const run = (name: string, options: Partial<LocalRunOptions>) =>
  runLocally({ input: sample.ordersFile, lookup: sample.financialsFile, chunkSize: 60, outDir: path.join(work, name), ...options });
const logOf = (file: string) => fs.readFileSync(file, 'utf8');

test('in the sandbox, an email to a recipient who is not verified is refused by SES (not by IAM), and the run still succeeds', async () => {
  const result = await run('unverified', { emailRecipients: ['ops@example.com', 'boss@elsewhere.com'] });
  expect(result.status).toBe('SUCCEEDED');
  expect(result.emails).toEqual([]);
  expect(logOf(result.log)).toMatch(/"message":"notification email not sent".*"error":"MessageRejected"/);
  expect(fs.existsSync(result.summary!)).toBe(true);
  expect(result.stats.accessDenied).toEqual([]);
});

test('with production access (out of the sandbox) the same email is sent', async () => {
  const result = await run('production', { emailRecipients: ['ops@example.com', 'boss@elsewhere.com'], sesSandbox: false });
  expect(result.status).toBe('SUCCEEDED');
  expect(result.emails.map((e) => e.to)).toEqual(['ops@example.com, boss@elsewhere.com']);
});

test('an email to 51 recipients, all verified, is refused; the run still succeeds', async () => {
  // The construct refuses more than 50 recipients: the escape hatch sets notify's list past it.
  const recipients = Array.from({ length: 51 }, (_, i) => `ops${i}@example.com`);
  const result = await run('fifty-one', {
    verifiedEmailIdentities: ['pipeline@example.com', 'example.com'],
    createStack: exampleWith((s) => (s.processor.notifyFunction.node.defaultChild as lambda.CfnFunction)
      .addPropertyOverride('Environment.Variables.EMAIL_RECIPIENTS', recipients.join(','))),
  });
  expect(result.status).toBe('SUCCEEDED');
  expect(result.emails).toEqual([]);
  expect(logOf(result.log)).toMatch(/"message":"notification email not sent".*"error":"BadRequestException"/);
  expect(result.stats.accessDenied).toEqual([]);
});
