/**
 * The stack the deployed integration test (integ.orders-pipeline.ts) deploys, and the run it starts and checks on
 * AWS: a small, deterministic set of orders from the sample generator (local/samples/sample-orders.ts), the financial
 * figures they are enriched from, and what the run must publish. The expectations are computed by the end-to-end
 * tests' oracle (test/support/expected-run.ts, csv-parse), not by the handlers; integ-orders-pipeline.test.ts runs this
 * same stack and these orders through the local cloud and checks them against what the handlers write, so they are
 * right before anyone deploys.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { OrdersPipelineStack } from '../../examples/orders-stack';
import { generateSampleOrders } from '../../local/samples/sample-orders';
import { expectedRun } from '../support/expected-run';
import { tempFolder } from '../support/temp-folder';

/**
 * 40 orders: lines 14, 27 and 40 lack a field (rejected by the field count), two valid orders have no financial
 * data (rejected by enrichment), 35 are enriched. Small enough for the seed to be two BatchWriteItem calls and the
 * rejects file a few hundred bytes (an assertion's answer must fit CloudFormation's 4 KB of custom-resource data).
 */
export const SAMPLE_OPTIONS = { records: 40, seed: 2024, invalidEvery: 13, missingFinancialsEvery: 17 } as const;

/** The deployed stack's name: not the example's own (`OrdersPipeline`), so a deployment of the example is left alone. */
export const INTEG_STACK_NAME = 'OrdersPipelineInteg';

/** Chunks of 10 records: 4 chunks, so the Distributed Map runs several Express children, as a real file does. */
export const CHUNK_SIZE = 10;

/** Where the test uploads the orders: under the example's input prefix, so the upload starts the run. */
export const INPUT_FILE_NAME = 'orders.csv';

/** The columns the example's enrichment appends (examples/orders-stack.ts), in order. */
export const FINANCIAL_FIELDS = ['unitsSold', 'unitPrice', 'unitCost', 'totalRevenue', 'totalCost', 'totalProfit'];

/** The stack under test, and the queue the test reads the run's event from. */
export interface IntegStack {
  readonly stack: OrdersPipelineStack;
  readonly runEvents: sqs.Queue;
}

/**
 * The reference example as the test deploys it: its own stack, with the test's chunk size, no email (nothing to verify
 * in SES first) and a bucket that is emptied before it is deleted (all versions), so that destroying the stack leaves
 * no bucket behind; the example's bucket, tables and log groups are already destroyed with the stack. Beside it, the
 * test's own listener of the `Batch Run Succeeded` event: a queue, as a system reacting to runs would have.
 */
export function createIntegStack(app: App): IntegStack {
  const stack = new OrdersPipelineStack(app, INTEG_STACK_NAME, {
    chunkSize: CHUNK_SIZE,
    processorProps: { bucketProps: { autoDeleteObjects: true } },
  });
  const runEvents = new sqs.Queue(stack, 'IntegRunEvents', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.hours(1),
    removalPolicy: RemovalPolicy.DESTROY,
  });
  stack.processor.onRunSucceeded('IntegRunSucceeded', { target: new targets.SqsQueue(runEvents) });
  return { stack, runEvents };
}

/** BatchWriteItem takes at most 25 items. */
const WRITE_BATCH = 25;

const sample = generateSampleOrders(SAMPLE_OPTIONS);

/** The orders file uploaded to start the run. */
export const ORDERS_CSV = sample.ordersCsv;

/** The financial data as CSV: `uuid` and the six figures (the file examples/load-financials.ts loads). */
export const FINANCIALS_CSV = sample.financialsCsv;

/** The financial data, one row per uuid: the figures as the sample's CSV writes them. */
const financialRows = parse(sample.financialsCsv, { columns: true }) as Array<Record<string, string>>;

/**
 * The seed of the example's `Financials` table, as BatchWriteItem requests of at most 25 items: `uuid` a string and
 * the six figures numbers, as examples/load-financials.ts loads them.
 */
export function financialWriteBatches(): Array<Array<{ PutRequest: { Item: Record<string, { S: string } | { N: string }> } }>> {
  const requests = financialRows.map((row) => ({
    PutRequest: {
      Item: {
        uuid: { S: row.uuid },
        ...Object.fromEntries(FINANCIAL_FIELDS.map((field) => [field, { N: row[field] }])),
      },
    },
  }));
  const batches = [];
  for (let start = 0; start < requests.length; start += WRITE_BATCH) batches.push(requests.slice(start, start + WRITE_BATCH));
  return batches;
}

/** What the run must publish, and its counts. */
export interface ExpectedIntegRun {
  /** The output file's text: the header and the enriched orders, in input order. */
  readonly outputCsv: string;
  /** Its MD5 as S3 reports it in the ETag of an object written in one part (quoted hex). */
  readonly outputETag: string;
  /** The rejects file's text: `line`, the order's fields, `reasons`. */
  readonly rejectsCsv: string;
  /** The input lines of the rejected orders, in order (the rejected-records table's sort key). */
  readonly rejectedLines: number[];
  readonly records: { readonly total: number; readonly valid: number; readonly rejected: number };
  readonly chunks: number;
}

/**
 * The run of ORDERS_CSV through the example: a record with the wrong number of fields is rejected by the field count,
 * the others pass the example's schema (the generator writes only valid values), and an order without financial data
 * is rejected with the batch endpoint's `null` answer (`no enrichment data`); every other order gets its six figures.
 */
export function expectedIntegRun(): ExpectedIntegRun {
  const dir = tempFolder('integ-orders-');
  try {
    const input = path.join(dir, INPUT_FILE_NAME);
    fs.writeFileSync(input, ORDERS_CSV);
    const figures = new Map(financialRows.map((row) => [row.uuid, FINANCIAL_FIELDS.map((field) => row[field])]));
    const run = expectedRun(input, {
      enrich: { columns: FINANCIAL_FIELDS, values: (record) => figures.get(record.uuid), missingReason: () => 'no enrichment data' },
    });
    const header = ORDERS_CSV.slice(0, ORDERS_CSV.indexOf('\n')).split(',');
    const outputCsv = stringify(run.output);
    const rejectsCsv = stringify([['line', ...header, 'reasons'], ...run.rejects.map((r) => [String(r.line), ...r.fields, r.reasons.join('; ')])]);
    const total = SAMPLE_OPTIONS.records;
    return {
      outputCsv,
      outputETag: `"${createHash('md5').update(outputCsv).digest('hex')}"`,
      rejectsCsv,
      rejectedLines: run.rejects.map((r) => r.line),
      records: { total, valid: run.output.length - 1, rejected: run.rejects.length },
      chunks: Math.ceil(total / CHUNK_SIZE),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
