import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BatchFileProcessor } from '../../src';
import { PROCESSOR_METADATA_TYPE } from '../../src/contract/processor-metadata';

// The local tool finds processors by the metadata they leave in the cloud assembly: under the processor's
// construct path, with its resources' attributes resolved as the template refers to them.
const logicalId = (stack: Stack, construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as any);

test('a processor leaves its resources in the manifest, under its construct path', () => {
  const app = new App();
  const stack = new Stack(app, 'Pipelines');
  const processor = new BatchFileProcessor(stack, 'Orders', { inputPrefix: 'in/', outputPrefix: 'out/', chunkSize: 250 });
  const manifest = app.synth().getStackByName('Pipelines').manifest;

  const entries = (manifest.metadata?.['/Pipelines/Orders'] ?? []).filter((entry) => entry.type === PROCESSOR_METADATA_TYPE);
  expect(entries).toEqual([{
    type: PROCESSOR_METADATA_TYPE,
    data: {
      bucketName: { Ref: logicalId(stack, processor.bucket as s3.Bucket) },
      triggerFunctionName: { Ref: logicalId(stack, processor.triggerFunction as any) },
      orchestratorArn: { Ref: logicalId(stack, processor.orchestrator) },
      rejectedRecordsTableName: { Ref: logicalId(stack, processor.rejectedRecordsTable) },
      inputPrefix: 'in/',
      outputPrefix: 'out/',
      chunkSize: 250,
    },
  }]);
});

test('each of two processors in an app has its own entry; an imported bucket is named as given', () => {
  const app = new App();
  const first = new Stack(app, 'First');
  new BatchFileProcessor(first, 'Orders');
  const second = new Stack(app, 'Second');
  new BatchFileProcessor(second, 'Invoices', { bucket: s3.Bucket.fromBucketName(second, 'Shared', 'shared-bucket') });
  const assembly = app.synth();

  const processorPaths = assembly.stacks.flatMap((artifact) => Object.entries(artifact.manifest.metadata ?? {})
    .filter(([, entries]) => entries.some((entry) => entry.type === PROCESSOR_METADATA_TYPE)).map(([path]) => path));
  expect(processorPaths.sort()).toEqual(['/First/Orders', '/Second/Invoices']);
  const invoices = assembly.getStackByName('Second').manifest.metadata!['/Second/Invoices'].find((entry) => entry.type === PROCESSOR_METADATA_TYPE);
  expect((invoices!.data as any).bucketName).toBe('shared-bucket');
});
