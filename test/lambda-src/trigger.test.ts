import { createHash } from 'node:crypto';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand, StateMachineDoesNotExist } from '@aws-sdk/client-sfn';
import type { S3Event } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../lambda-src/trigger';
import { decodeS3Key, runIdFor, runRequestsFrom } from '../../lambda-src/trigger/run-requests';
import { uploadTicket } from '../../src/contract/run-turns';

function s3Event(records: Array<{ eventName?: string; key: string; versionId?: string; sequencer?: string; eventTime?: string }>): S3Event {
  return {
    Records: records.map((r) => ({
      eventName: r.eventName ?? 'ObjectCreated:Put',
      eventTime: r.eventTime,
      s3: {
        bucket: { name: 'data-bucket' },
        object: { key: r.key, versionId: r.versionId, sequencer: r.sequencer ?? '0062E99A88DC407460' },
      },
    })),
  } as unknown as S3Event;
}

describe('S3 key decoding', () => {
  test('turns + into spaces before percent-decoding', () => {
    expect(decodeS3Key('input/my+orders%2B2024+%C3%A9t%C3%A9.csv')).toBe('input/my orders+2024 été.csv');
  });
});

describe('runIdFor', () => {
  test('is deterministic and depends on bucket, key and version', () => {
    const id = runIdFor('b', 'input/orders.csv', 'v1');
    const expectedHash = createHash('sha256').update('b/input/orders.csv/v1').digest('hex').slice(0, 20);
    expect(id).toBe(`orders-${expectedHash}`);
    expect(runIdFor('b', 'input/orders.csv', 'v1')).toBe(id);
    expect(runIdFor('b', 'input/orders.csv', 'v2')).not.toBe(id);
    expect(runIdFor('c', 'input/orders.csv', 'v1')).not.toBe(id);
    expect(runIdFor('b', 'other/orders.csv', 'v1')).not.toBe(id);
  });

  test('sanitizes the stem and keeps the name a valid execution name', () => {
    const id = runIdFor('b', `input/${'Ünïcode orders (final) v2.'.repeat(5)}csv`, 'seq');
    expect(id).toMatch(/^[A-Za-z0-9_-]{1,40}-[0-9a-f]{20}$/);
    expect(id.length).toBeLessThanOrEqual(80);
    expect(id.startsWith('_n_code_orders__final__v2__n_code_orders')).toBe(true);
  });
});

describe('runRequestsFrom', () => {
  test('keeps created .csv objects only, with decoded keys and version ids', () => {
    const requests = runRequestsFrom(s3Event([
      { key: 'input/orders+2024.csv', versionId: 'v7' },
      { key: 'input/notes.txt' },
      { key: 'input/old.csv', eventName: 'ObjectRemoved:Delete' },
      { key: 'input/unversioned.csv', sequencer: 'ABC' },
    ]));
    expect(requests).toEqual([
      { runId: runIdFor('data-bucket', 'input/orders 2024.csv', 'v7'), bucket: 'data-bucket', key: 'input/orders 2024.csv', versionId: 'v7' },
      { runId: runIdFor('data-bucket', 'input/unversioned.csv', 'ABC'), bucket: 'data-bucket', key: 'input/unversioned.csv' },
    ]);
  });
});

describe('tickets', () => {
  test('each run queues under its upload\'s event time and sequencer; an event without a time gives none', () => {
    const [timed, untimed] = runRequestsFrom(s3Event([
      { key: 'input/a.csv', eventTime: '2025-03-01T08:00:00.250Z', sequencer: '0062E99A88DC407460' },
      { key: 'input/b.csv' },
    ]));
    expect(timed.ticket).toBe(uploadTicket('2025-03-01T08:00:00.250Z', '0062E99A88DC407460'));
    expect(untimed).not.toHaveProperty('ticket');
  });
});

describe('gzip-compressed inputs', () => {
  test('a created .csv.gz object starts a run named by the CSV inside it; .gz alone does not', () => {
    const requests = runRequestsFrom(s3Event([
      { key: 'input/orders.csv.gz', versionId: 'v1' },
      { key: 'input/ORDERS.CSV.GZ', versionId: 'v2' },
      { key: 'input/logs.gz' },
      { key: 'input/orders.csv.gz.tmp' },
    ]));
    expect(requests.map((r) => r.key)).toEqual(['input/orders.csv.gz', 'input/ORDERS.CSV.GZ']);
    expect(requests[0].runId).toMatch(/^orders-[0-9a-f]{20}$/);
  });
});

describe('trigger handler', () => {
  const sfn = mockClient(SFNClient);
  const arn = 'arn:aws:states:us-east-1:123456789012:stateMachine:orchestrator';

  beforeEach(() => {
    sfn.reset();
    process.env.STATE_MACHINE_ARN = arn;
    process.env.LOG_LEVEL = 'error';
  });

  test('starts one execution named by the run id, with the run request as input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'x', startDate: new Date() });
    const result = await handler(s3Event([{ key: 'input/orders.csv', versionId: 'v1' }]));
    const calls = sfn.commandCalls(StartExecutionCommand);
    expect(calls).toHaveLength(1);
    const runId = runIdFor('data-bucket', 'input/orders.csv', 'v1');
    expect(calls[0].args[0].input).toEqual({
      stateMachineArn: arn,
      name: runId,
      input: JSON.stringify({ runId, bucket: 'data-bucket', key: 'input/orders.csv', versionId: 'v1' }),
    });
    expect(result).toEqual({ started: [runId], duplicates: [] });
  });

  test('treats ExecutionAlreadyExists as a duplicate delivery', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    const result = await handler(s3Event([{ key: 'input/orders.csv', versionId: 'v1' }]));
    expect(result).toEqual({ started: [], duplicates: [runIdFor('data-bucket', 'input/orders.csv', 'v1')] });
  });

  test('rethrows other errors so the invocation is retried', async () => {
    sfn.on(StartExecutionCommand).rejects(new StateMachineDoesNotExist({ message: 'gone', $metadata: {} }));
    await expect(handler(s3Event([{ key: 'input/orders.csv' }]))).rejects.toThrow('gone');
  });

  test('starts nothing for events without CSV files', async () => {
    await handler(s3Event([{ key: 'input/readme.md' }]));
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});
