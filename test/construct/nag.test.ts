import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BatchFileProcessor, RecordEnricher } from '../../src';
import { suppressProcessorFindings } from '../support/processor-nag-suppressions';

test('AwsSolutionsChecks finds nothing unsuppressed in the construct', () => {
  const stack = new Stack(new App(), 'Nag', { env: { account: '123456789012', region: 'eu-west-1' } });
  const processor = new BatchFileProcessor(stack, 'Processor', {
    email: { sender: 'batch@example.com', recipients: ['ops@example.com'] },
    enrichment: RecordEnricher.fromHttpEndpoint({ url: 'https://api.example.com/{id}' }),
  });
  suppressProcessorFindings(stack, processor);
  Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));
  const errors = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'));
  expect(errors.map((error) => `${error.id}: ${String(error.entry.data).split('\n')[0]}`)).toEqual([]);
});
