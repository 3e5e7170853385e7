import { runMetricsLine } from '../../../lambda-src/notify/run-metrics';

const summary = {
  runId: 'orders-1',
  status: 'SUCCEEDED' as const,
  executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:ProcessorOrchestrator76DA2B04-x1:orders-1',
  input: { bucket: 'b', key: 'input/orders.csv' },
  records: { total: 10, valid: 7, rejected: 3 },
  finishedAt: '2025-01-01T00:00:00.000Z',
};

test('a successful run\'s counts in the embedded metric format, by the orchestrator\'s name', () => {
  const line = JSON.parse(runMetricsLine(summary, 1, new Date(1_000))!);
  expect(line).toEqual({
    _aws: {
      Timestamp: 1_000,
      CloudWatchMetrics: [{
        Namespace: 'CdkBatchFileProcessor',
        Dimensions: [['StateMachine']],
        Metrics: ['RecordsTotal', 'RecordsValid', 'RecordsRejected', 'ChunksFailed'].map((Name) => ({ Name, Unit: 'Count' })),
      }],
    },
    StateMachine: 'ProcessorOrchestrator76DA2B04-x1',
    runId: 'orders-1',
    RecordsTotal: 10,
    RecordsValid: 7,
    RecordsRejected: 3,
    ChunksFailed: 1,
  });
});

test('no line for a run without counts', () => {
  expect(runMetricsLine({ ...summary, records: undefined }, 0, new Date())).toBeUndefined();
});
