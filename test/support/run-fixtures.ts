/** A run of orders.csv as the notify modules see it: what split and merge returned, and a failure. */
import { redriveInstructions } from '../../lambda-src/notify/run-failure';
import { RunSucceededTask } from '../../src/contract/run-payloads';

export const split = {
  runId: 'orders-1',
  manifestKey: 'm',
  chunkCount: 4,
  records: 10_000,
  delimiter: ',',
  outputKey: 'output/orders-1/orders.csv',
  rejectsKey: 'output/orders-1/orders.rejects.csv',
  summaryKey: 'output/orders-1/summary.json',
  archiveKey: 'archive/orders-1/orders.csv',
  copySource: 'b/input/orders.csv',
};
export const merge = {
  records: { total: 10_000, valid: 9_990, rejected: 10 },
  outputKey: split.outputKey,
  rejectsKey: split.rejectsKey,
  stagedOutputKey: 'runs/orders-1/merged/orders.csv',
  stagedRejectsKey: 'runs/orders-1/merged/orders.rejects.csv',
  failedChunks: 0,
};
export const executionArn = 'arn:aws:states:eu-west-1:123456789012:execution:Orchestrator:orders-1';
export const base: RunSucceededTask = { status: 'SUCCEEDED', runId: 'orders-1', bucket: 'b', key: 'input/orders.csv', executionArn, redriveCount: 0, split, merge };
export const failure = { code: 'InputFormatError', message: 'orders.csv line 57: unterminated quoted field' };
export const failedFacts = {
  runId: 'orders-1',
  executionArn,
  input: { bucket: 'b', key: 'input/orders.csv' },
  failure,
  failedStep: 'SplitInput',
  redrive: redriveInstructions(executionArn, Date.parse('2025-01-01T00:00:00.000Z')),
  chunks: 4,
  finishedAt: new Date(0),
};
