import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ExampleProps, LocalRunResult, runLocally } from '../../local/run/runner';
import { BatchFileProcessor, RecordEnricher, RecordValidator } from '../../src';
import { expectFailedRun } from '../support/reliability-invariants';
import { tempFolder } from '../support/temp-folder';

// A user's validator or enrichment function that fails quoting the records it was sent: the run
// fails naming the function and its error type, and no record's values reach the run's summary or email.
const work = tempFolder('e2e-user-functions-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const RECORDS = [['535113847', 'Panama'], ['771234569', 'Chad']];
const input = path.join(work, 'orders.csv');
fs.writeFileSync(input, ['uuid,Country', ...RECORDS.map((r) => r.join(','))].join('\n') + '\n');

// The function quotes every record it was sent in its error, as a careless user function would.
const QUOTING_FUNCTION = `exports.handler = async ({ records }) => {
  throw new TypeError('cannot handle ' + records.map((r) => r.line + ': ' + r.fields.join(',')).join('; '));
};`;

function userFunction(stack: Stack, name: string): lambda.Function {
  const code = path.join(work, name);
  fs.mkdirSync(code, { recursive: true });
  fs.writeFileSync(path.join(code, 'index.js'), QUOTING_FUNCTION);
  return new lambda.Function(stack, name, {
    functionName: name,
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(code),
  });
}

function stackWith(use: (stack: Stack) => { validator?: RecordValidator; enrichment?: RecordEnricher }) {
  return (app: App, props: ExampleProps) => {
    const stack = new Stack(app, 'UserFunctions');
    const processor = new BatchFileProcessor(stack, 'Processor', {
      ...use(stack),
      email: { sender: props.emailSender, recipients: props.emailRecipients },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    return Object.assign(stack, { processor });
  };
}

/** Every place the run's failure is told: the result, the summary file and the email. */
function toldFailure(result: LocalRunResult): string {
  return [JSON.stringify(result.error), fs.readFileSync(result.summary!, 'utf8'), ...result.emails.map((e) => `${e.subject}\n${e.text}`)].join('\n');
}

function expectNoRecordValues(told: string): void {
  for (const value of RECORDS.flat()) expect(told).not.toContain(value);
}

test('a validator function that fails quoting records: the run names the function and the error type, not the records', async () => {
  const result = await runLocally({
    input,
    outDir: path.join(work, 'validator'),
    createStack: stackWith((stack) => ({ validator: RecordValidator.fromLambda(userFunction(stack, 'order-checker')) })),
  });
  expectNoRecordValues(toldFailure(result));
  expectFailedRun(result, 'orders.csv', 'ValidationUnavailable', /chunk 0 \(records from input line 2\) failed with ValidationUnavailable: validator function \S*:order-checker failed: TypeError/);
});

test('an enrichment function that fails quoting records: the run names the function and the error type, not the records', async () => {
  const result = await runLocally({
    input,
    outDir: path.join(work, 'enricher'),
    createStack: stackWith((stack) => ({ enrichment: RecordEnricher.fromLambda(userFunction(stack, 'order-scorer')) })),
  });
  expectNoRecordValues(toldFailure(result));
  expectFailedRun(result, 'orders.csv', 'EnrichmentUnavailable', /chunk 0 \(records from input line 2\) failed with EnrichmentUnavailable: enrichment function \S*:order-scorer failed: TypeError/);
});
