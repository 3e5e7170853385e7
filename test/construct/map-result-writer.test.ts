import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { MapResultWriter, RESULT_WRITER_V2_FLAG, requireResultWriter, useResultWriterV2 } from '../../src/map-result-writer';

/** A state machine with one Distributed Map, its states in a scope of their own, in an app with the flag as given. */
function distributedMap(flag: boolean | undefined, build: (bucket: s3.Bucket) => sfn.DistributedMapProps & { scoped?: boolean }) {
  const app = new App({ context: flag === undefined ? {} : { [RESULT_WRITER_V2_FLAG]: flag } });
  const stack = new Stack(app, 'Test');
  const { scoped, ...props } = build(new s3.Bucket(stack, 'Bucket'));
  const steps = new Construct(stack, 'Steps');
  if (scoped) useResultWriterV2(steps);
  const map = new sfn.DistributedMap(steps, 'Map', props);
  map.itemProcessor(new sfn.Pass(steps, 'Item'));
  requireResultWriter(map);
  new sfn.StateMachine(stack, 'Machine', { definitionBody: sfn.DefinitionBody.fromChainable(map) });
  return { app, map };
}

test('the writer is rendered whatever the app says of the ResultWriterV2 flag, once the flag is set on the construct\'s own scope', () => {
  for (const flag of [true, false, undefined]) {
    const { map } = distributedMap(flag, (bucket) => ({ scoped: true, resultWriterV2: new MapResultWriter({ bucket, prefix: 'work/results', workPrefix: 'work/' }) }));
    expect((map.toStateJson() as any).ResultWriter).toMatchObject({ Parameters: { Prefix: 'work/results' } });
  }
});

test('without the flag on the construct\'s scope, an app that leaves the flag off drops the writer, and synth refuses the definition', () => {
  const { app } = distributedMap(false, (bucket) => ({ resultWriterV2: new MapResultWriter({ bucket, prefix: 'work/results', workPrefix: 'work/' }) }));
  expect(() => app.synth()).toThrow(/the Distributed Map Test\/Steps\/Map has no ResultWriter: aws-cdk-lib dropped its writer \(see the feature flag @aws-cdk\/aws-stepfunctions:useDistributedMapResultWriterV2\)/);
});

test('the writer may write only under the work prefix', () => {
  let writer: MapResultWriter | undefined;
  const { map } = distributedMap(true, (bucket) => {
    writer = new MapResultWriter({ bucket, prefix: 'work/results', workPrefix: 'work/' });
    return { scoped: true, resultWriterV2: writer };
  });
  const statements = writer!.providePolicyStatements().map((statement) => Stack.of(map).resolve(statement.toStatementJson()));
  expect(statements).toEqual([{
    Effect: 'Allow',
    Action: ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
    Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Bucket/), 'Arn'] }, '/work/*']] },
  }]);
});
