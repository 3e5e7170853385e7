import * as fs from 'node:fs';
import * as path from 'node:path';
import { OrdersPipelineStack } from '../../examples/orders-stack';
import { LocalRunResult, LocalRunOptions, runLocally } from '../../local/run/runner';
import { writeSampleOrders } from '../../local/samples/sample-orders';
import { ExpectedDenial, exampleWith, expectFailedNaming, expectOnlyDenial, removeAction } from '../support/permission-removal';
import { tempFolder } from '../support/temp-folder';

// The example stack through the local cloud with IAM enforced: unmodified it runs without a single denial;
// without one permission a handler needs, the run fails the way it would on AWS, naming the action.
const work = tempFolder('e2e-iam-handlers-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const sample = writeSampleOrders(path.join(work, 'sample'), { records: 300, seed: 13, invalidEvery: 37, missingFinancialsEvery: 59 });
const read = (file: string | null) => fs.readFileSync(file!, 'utf8');
const run = (name: string, options: Partial<LocalRunOptions> = {}) =>
  runLocally({ input: sample.ordersFile, lookup: sample.financialsFile, chunkSize: 100, outDir: path.join(work, name), ...options });

/** The session of a function of the example: `assumed-role/<its role>/<its name>`. */
const sessionOf = (fn: string) => new RegExp(`^arn:aws:sts::000000000000:assumed-role/${fn}ServiceRole[0-9A-F]+/${fn}[0-9A-F]+$`);
const bucketObject = (prefix: string) => new RegExp(`^arn:aws:s3:::ordersbucket[0-9a-f]+/${prefix}`);

describe('the unmodified example, and the same stack in diagnosis mode', () => {
  let enforced: LocalRunResult;
  let diagnosis: LocalRunResult;
  beforeAll(async () => {
    enforced = await run('enforced');
    // --no-iam: even without record-rejects' write grant the run goes through, as if every call were allowed.
    diagnosis = await run('diagnosis', { iam: false, createStack: exampleWith((s) => removeAction(s.processor.recordRejectsFunction.role!, 'dynamodb:BatchWriteItem')) });
  });

  test('runs with zero denials and emails its result', () => {
    expect(enforced.status).toBe('SUCCEEDED');
    expect(enforced.stats.accessDenied).toEqual([]);
    expect(enforced.records.total).toBe(300);
    expect(enforced.emails).toHaveLength(1);
  });

  test('with IAM off and a permission removed, the run succeeds with the same output, rejects and counts as the enforced run', () => {
    expect(diagnosis.status).toBe('SUCCEEDED');
    expect(diagnosis.stats.accessDenied).toEqual([]);
    expect(diagnosis.records).toEqual(enforced.records);
    expect(read(diagnosis.output)).toBe(read(enforced.output));
    expect(read(diagnosis.rejects)).toBe(read(enforced.rejects));
  });
});

/** A permission a handler needs, removed; the action and caller the run must name. */
interface HandlerRemoval {
  readonly remove: (stack: OrdersPipelineStack) => void;
  readonly denial: ExpectedDenial;
  /** Where the run tells of it besides `stats.accessDenied`. */
  readonly told: (result: LocalRunResult) => void;
}

const failsNaming = (action: string) => (result: LocalRunResult) => expectFailedNaming(result, action);

const removals: Array<[string, HandlerRemoval]> = [
  ['the trigger\'s states:StartExecution', {
    remove: (s) => removeAction(s.processor.triggerFunction.role!, 'states:StartExecution'),
    denial: { caller: sessionOf('OrdersTrigger'), action: 'states:StartExecution', resource: /:stateMachine:OrdersOrchestrator[0-9A-F]+$/ },
    // The trigger fails (Lambda retries it twice): the run never starts.
    told: (result) => {
      expect([result.status, result.executionStatus, result.error?.code]).toEqual(['FAILED', 'NOT_STARTED', 'AccessDeniedException']);
      expect(result.error?.message).toMatch(/is not authorized to perform: states:StartExecution on resource: .*because no identity-based policy allows/);
    },
  }],
  ['split\'s s3:GetObject on the input', {
    remove: (s) => removeAction(s.processor.splitFunction.role!, 's3:GetObject', '/input/'),
    denial: { caller: sessionOf('OrdersSplitInput'), action: 's3:GetObject', resource: bucketObject('input/orders.csv') },
    told: (result) => {
      expectFailedNaming(result, 's3:GetObject');
      expect(result.error?.code).toBe('AccessDenied');
    },
  }],
  ['validate\'s s3:PutObject of the valid records', {
    remove: (s) => removeAction(s.processor.validateFunction.role!, 's3:PutObject'),
    denial: { caller: sessionOf('OrdersValidateChunk'), action: 's3:PutObject', resource: bucketObject('runs/') },
    told: failsNaming('s3:PutObject'),
  }],
  ['enrich\'s execute-api:Invoke of the financials API', {
    remove: (s) => removeAction(s.processor.enrichFunction!.role!, 'execute-api:Invoke'),
    denial: { caller: sessionOf('OrdersEnrichChunk'), action: 'execute-api:Invoke', resource: /:execute-api:us-east-1:000000000000:financialsapi[0-9a-f]+\/prod\/POST\/financials\/batch$/ },
    // The handler names the endpoint and its answer, never the answer's body (a record's key may be in the path).
    told: (result) => {
      expect(result.status).toBe('FAILED');
      expect(result.error?.code).toBe('EnrichmentUnavailable');
      expect(result.error?.message).toContain('refused the request: HTTP 403');
    },
  }],
  ['record-rejects\' dynamodb:BatchWriteItem', {
    remove: (s) => removeAction(s.processor.recordRejectsFunction.role!, 'dynamodb:BatchWriteItem'),
    denial: { caller: sessionOf('OrdersRecordRejects'), action: 'dynamodb:BatchWriteItem', resource: /:table\/OrdersRejectedRecords[0-9A-F]+$/ },
    told: failsNaming('dynamodb:BatchWriteItem'),
  }],
  ['merge\'s s3:PutObject of the merged output', {
    remove: (s) => removeAction(s.processor.mergeFunction.role!, 's3:PutObject'),
    denial: { caller: sessionOf('OrdersMergeChunks'), action: 's3:PutObject', resource: bucketObject('runs/') },
    told: failsNaming('s3:PutObject'),
  }],
  ['archive\'s s3:PutObject of the archive', {
    remove: (s) => removeAction(s.processor.archiveFunction.role!, 's3:PutObject'),
    denial: { caller: sessionOf('OrdersArchiveInput'), action: 's3:PutObject', resource: bucketObject('archive/') },
    told: failsNaming('s3:PutObject'),
  }],
  ['notify\'s events:PutEvents', {
    remove: (s) => removeAction(s.processor.notifyFunction.role!, 'events:PutEvents'),
    denial: { caller: sessionOf('OrdersNotify'), action: 'events:PutEvents', resource: /:event-bus\/default$/ },
    told: failsNaming('events:PutEvents'),
  }],
  ['notify\'s ses:SendEmail', {
    remove: (s) => removeAction(s.processor.notifyFunction.role!, 'ses:SendEmail'),
    denial: { caller: sessionOf('OrdersNotify'), action: 'ses:SendEmail', resource: /:ses:us-east-1:000000000000:identity\/(pipeline|ops)@example\.com$/ },
    // Refused on the sender's identity and, in the sandbox, the recipient's. The run's outcome is recorded
    // before the email: it is not sent, and the run still succeeds.
    told: (result) => {
      expect(result.status).toBe('SUCCEEDED');
      expect(result.emails).toEqual([]);
      expect(read(result.log)).toMatch(/"message":"notification email not sent".*"error":"AccessDeniedException"/);
    },
  }],
  ['the financials function\'s dynamodb:BatchGetItem', {
    remove: (s) => removeAction((s.node.findChild('FinancialsFunction') as any).role, 'dynamodb:BatchGetItem'),
    denial: { caller: /assumed-role\/FinancialsFunctionServiceRole[0-9A-F]+\/FinancialsFunction[0-9A-F]+$/, action: 'dynamodb:BatchGetItem', resource: /:table\/Financials[0-9A-F]+$/ },
    // API Gateway answers 502 for the failed function; enrichment retries, then gives up.
    told: (result) => {
      expect(result.status).toBe('FAILED');
      expect(result.error?.message).toContain('last: HTTP 502');
    },
  }],
];

describe('without one permission a handler needs', () => {
  test.each(removals)('removing %s fails the run (or its email) and reports the denial', async (name, removal) => {
    const result = await run(name.replace(/\W+/g, '-'), { createStack: exampleWith(removal.remove) });
    removal.told(result);
    expectOnlyDenial(result, removal.denial);
  });
});
