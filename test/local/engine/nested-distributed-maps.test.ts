import { AwsSdkTasks } from '../../../local/engine/aws-sdk-tasks';
import { LocalStepFunctions } from '../../../local/engine/step-functions';
import { LambdaHost } from '../../../local/lambda/lambda-host';

// Distributed Maps below the top level: in a Parallel branch and in an inline Map's iterations, each run as a
// Map Run of child executions (ItemReader, ItemBatcher), not as the inline Map the engine alone would make of it.
const arn = 'arn:aws:states:us-east-1:000000000000:stateMachine:Nested';
const lambda = new LambdaHost([], { baseEnvironment: {}, functionArn: (name) => name });
const sdk = new AwsSdkTasks(() => ({}));
afterAll(() => sdk.close());

/** A Distributed Map whose Standard children return their input (`echo`: the name of their state, unique in the definition). */
const distributedMap = (echo: string, fields: object) => ({
  Type: 'Map',
  ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: echo, States: { [echo]: { Type: 'Pass', End: true } } },
  End: true,
  ...fields,
});

const definition = {
  StartAt: 'Both',
  States: {
    Both: {
      Type: 'Parallel',
      End: true,
      Branches: [
        {
          StartAt: 'InBranch',
          States: {
            InBranch: distributedMap('EchoItem', {
              ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { 'Bucket': 'b', 'Key.$': '$.key' } },
              ItemSelector: { 'value.$': '$$.Map.Item.Value' },
            }),
          },
        },
        {
          StartAt: 'PerGroup',
          States: {
            PerGroup: {
              Type: 'Map',
              ItemsPath: '$.groups',
              // One iteration after the other: each still gets a Map Run of its own.
              MaxConcurrency: 1,
              ItemProcessor: {
                ProcessorConfig: { Mode: 'INLINE' },
                StartAt: 'InIteration',
                States: { InIteration: distributedMap('EchoBatch', { ItemsPath: '$', ItemBatcher: { MaxItemsPerBatch: 2 } }) },
              },
              End: true,
            },
          },
        },
      ],
    },
  },
};

test('a Distributed Map in a Parallel branch or in an inline Map\'s iterations runs as a Map Run of child executions', async () => {
  const reads: unknown[] = [];
  const sfn = new LocalStepFunctions([{ arn, name: 'Nested', type: 'STANDARD', definition }], {
    lambda,
    sdk,
    readItems: async (resource, parameters) => {
      reads.push({ resource, parameters });
      return ['x', 'y'];
    },
    writeResults: async () => undefined,
  });
  const record = await sfn.startExecution(arn, { key: 'items.json', groups: [['a', 'b', 'c'], ['d', 'e', 'f']] }, 'nested').done;
  expect([record.status, record.error, record.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
  expect(reads).toEqual([{ resource: 'arn:aws:states:::s3:getObject', parameters: { Bucket: 'b', Key: 'items.json' } }]);
  expect(record.output).toEqual([
    [{ value: 'x' }, { value: 'y' }],
    [
      [{ Items: ['a', 'b'] }, { Items: ['c'] }],
      [{ Items: ['d', 'e'] }, { Items: ['f'] }],
    ],
  ]);
  // The parent, and a child execution per item or batch: 2 in the branch, 2 in each iteration.
  expect(sfn.usage.standardExecutions).toBe(1 + 2 + 2 * 2);
});
