import * as fs from 'node:fs';
import * as path from 'node:path';
import { OrdersPipelineStack } from '../../examples/orders-stack';
import { LocalRunResult, LocalRunOptions, runLocally } from '../../local/run/runner';
import { writeSampleOrders } from '../../local/samples/sample-orders';
import { ExpectedDenial, exampleWith, expectFailedNaming, expectOnlyDenial, removeAction, removeResources } from '../support/permission-removal';
import { tempFolder } from '../support/temp-folder';

// The example stack through the local cloud with IAM enforced: without one permission a state machine's role
// needs, or one a service needs on a function's policy, the run fails the way it would on AWS, naming it.
const work = tempFolder('e2e-iam-state-machines-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const sample = writeSampleOrders(path.join(work, 'sample'), { records: 300, seed: 17, invalidEvery: 37, missingFinancialsEvery: 59 });
// The same orders with an unterminated quote on line 18: split fails, so the run is reported through EventBridge.
const broken = path.join(work, 'broken.csv');
const lines = fs.readFileSync(sample.ordersFile, 'utf8').split('\n');
lines[17] = lines[17].replace(',Online,', ',"Online,').replace(',Offline,', ',"Offline,');
fs.writeFileSync(broken, lines.join('\n'));

const run = (name: string, options: Partial<LocalRunOptions> = {}) =>
  runLocally({ input: sample.ordersFile, lookup: sample.financialsFile, chunkSize: 100, outDir: path.join(work, name), ...options });

/** A state machine's session: Step Functions names it for the state machine locally. */
const sessionOf = (machine: string) => new RegExp(`^arn:aws:sts::000000000000:assumed-role/${machine}Role[0-9A-F]+/${machine}[0-9A-F]+$`);
const functionArn = (fn: string) => new RegExp(`^arn:aws:lambda:us-east-1:000000000000:function:${fn}[0-9A-F]+$`);
const bucketObject = (prefix: string) => new RegExp(`^arn:aws:s3:::ordersbucket[0-9a-f]+/${prefix}`);

interface Removal {
  readonly remove: (stack: OrdersPipelineStack) => void;
  readonly input?: string;
  readonly denial: ExpectedDenial;
  /** How the run tells of it besides `stats.accessDenied`. */
  readonly told: (result: LocalRunResult) => void;
}

const failsWith = (code: string, action: string) => (result: LocalRunResult) => {
  expectFailedNaming(result, action);
  expect(result.error?.code).toBe(code);
};

const removals: Array<[string, Removal]> = [
  ['the orchestrator\'s lambda:InvokeFunction of merge', {
    remove: (s) => removeAction(s.processor.orchestrator.role, 'lambda:InvokeFunction', 'MergeChunks'),
    denial: { caller: sessionOf('OrdersOrchestrator'), action: 'lambda:InvokeFunction', resource: functionArn('OrdersMergeChunks') },
    told: failsWith('Lambda.AWSLambdaException', 'lambda:InvokeFunction'),
  }],
  ['the Distributed Map\'s ResultWriter s3:PutObject', {
    remove: (s) => removeAction(s.processor.orchestrator.role, 's3:PutObject', '/runs/'),
    denial: { caller: sessionOf('OrdersOrchestrator'), action: 's3:PutObject', resource: bucketObject('runs/.*/map-results/') },
    told: failsWith('States.ResultWriterFailed', 's3:PutObject'),
  }],
  ['the Distributed Map\'s states:StartExecution of its children', {
    remove: (s) => removeAction(s.processor.orchestrator.role, 'states:StartExecution', 'OrdersOrchestrator'),
    denial: { caller: sessionOf('OrdersOrchestrator'), action: 'states:StartExecution', resource: /:stateMachine:OrdersOrchestrator[0-9A-F]+$/ },
    told: failsWith('States.Permissions', 'states:StartExecution'),
  }],
  ['the Map children\'s states:StartExecution of the chunk processor', {
    remove: (s) => removeAction(s.processor.orchestrator.role, 'states:StartExecution', 'OrdersChunkProcessor'),
    denial: { caller: sessionOf('OrdersOrchestrator'), action: 'states:StartExecution', resource: /:stateMachine:OrdersChunkProcessor[0-9A-F]+$/ },
    // Every child fails before a chunk runs (StepFunctions.AWSStepFunctionsException): the Map gives up, naming the first.
    told: (result) => {
      failsWith('States.ExceedToleratedFailureThreshold', 'states:StartExecution')(result);
      expect(result.error?.message).toContain('StepFunctions.AWSStepFunctionsException');
    },
  }],
  ['the chunk processor\'s lambda:InvokeFunction of validate', {
    remove: (s) => removeAction(s.processor.chunkProcessor.role, 'lambda:InvokeFunction', 'ValidateChunk'),
    denial: { caller: sessionOf('OrdersChunkProcessor'), action: 'lambda:InvokeFunction', resource: functionArn('OrdersValidateChunk') },
    told: failsWith('Lambda.AWSLambdaException', 'lambda:InvokeFunction'),
  }],
  ['S3\'s permission to invoke the trigger', {
    remove: (s) => removeResources(s.processor.bucket, 'AWS::Lambda::Permission'),
    denial: { caller: /^s3\.amazonaws\.com$/, action: 'lambda:InvokeFunction', resource: functionArn('OrdersTrigger') },
    // On AWS the notification could not even be configured; locally it is never delivered.
    told: (result) => {
      expect([result.status, result.executionStatus, result.error?.code]).toEqual(['FAILED', 'NOT_STARTED', 'AccessDeniedException']);
      expect(result.error?.message).toContain('User: s3.amazonaws.com is not authorized to perform: lambda:InvokeFunction');
    },
  }],
  ['EventBridge\'s permission to invoke notify, for a run that fails', {
    remove: (s) => removeResources(s.processor.runFailedRule, 'AWS::Lambda::Permission'),
    input: broken,
    denial: { caller: /^events\.amazonaws\.com$/, action: 'lambda:InvokeFunction', resource: functionArn('OrdersNotify') },
    // The failure report never reaches notify: not retried, the event goes to the rule's dead-letter queue.
    told: (result) => {
      expect([result.status, result.error?.code, result.summary, result.emails, result.deadLetters]).toEqual(['FAILED', 'InputFormatError', null, [], 1]);
    },
  }],
  ['notify\'s states:GetExecutionHistory, for a run that fails', {
    remove: (s) => removeAction(s.processor.notifyFunction.role!, 'states:GetExecutionHistory'),
    input: broken,
    denial: { caller: /assumed-role\/OrdersNotifyServiceRole[0-9A-F]+\/OrdersNotify[0-9A-F]+$/, action: 'states:GetExecutionHistory', resource: /:execution:OrdersOrchestrator[0-9A-F]+:broken-/ },
    // Notify reports the failure without the step it failed in, and says why in its log.
    told: (result) => {
      expect([result.status, result.error?.code, result.emails.length]).toEqual(['FAILED', 'InputFormatError', 1]);
      expect(JSON.parse(fs.readFileSync(result.summary!, 'utf8')).failedStep).toBeUndefined();
      expect(fs.readFileSync(result.log, 'utf8')).toMatch(/"message":"execution history not read".*"error":"AccessDeniedException"/);
    },
  }],
];

test.each(removals)('removing %s fails the run and reports the denial', async (name, removal) => {
  const result = await run(name.replace(/\W+/g, '-'), { createStack: exampleWith(removal.remove), ...removal.input ? { input: removal.input } : {} });
  removal.told(result);
  expectOnlyDenial(result, removal.denial);
});
