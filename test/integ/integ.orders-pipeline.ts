/**
 * The reference example (examples/orders-stack.ts) deployed to a real account and run once, with
 * @aws-cdk/integ-tests-alpha assertions: seed the financial data, upload a small orders file, wait for the run to
 * end, then check what it published (summary counts, output, rejects, archive), the rejected-records table and the
 * `Batch Run Succeeded` event. integ-runner runs it: `npx projen integ` with AWS credentials deploys, asserts and
 * destroys (docs/integration-test.md); without them, CI checks that the synthesized stack still matches the committed
 * snapshot (integ.orders-pipeline.ts.snapshot/) and the expected values on the local cloud (integ-orders-pipeline.test.ts).
 */
import { ExpectedResult, IApiCall, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration } from 'aws-cdk-lib';
import { INPUT_FILE_NAME, ORDERS_CSV, createIntegStack, expectedIntegRun, financialWriteBatches } from './orders-pipeline-run';
import { RUN_EVENT_SOURCE, RUN_SUCCEEDED_DETAIL_TYPE } from '../../src/contract/run-events';
import { PublishedFiles, archiveKey } from '../../src/contract/run-layout';

/** How long the run may take, from the upload to its end: a few minutes in practice (cold starts included). */
const RUN_TIMEOUT = Duration.minutes(15);

const app = new App();
const { stack, runEvents } = createIntegStack(app);
const processor = stack.processor;

const integ = new IntegTest(app, 'OrdersPipelineIntegTest', {
  testCases: [stack],
  // No update workflow: it would deploy the committed snapshot first (its assets are not kept, see
  // docs/integration-test.md) and `git checkout` the snapshot folder. Each run deploys the current stack once.
  stackUpdateWorkflow: false,
});
const assertions = integ.assertions;
const expected = expectedIntegRun();

// 1. The seed: the financial figures the run is enriched from, then the orders file, which starts the run.
let previous: IApiCall | undefined;
for (const batch of financialWriteBatches()) {
  const write = assertions.awsApiCall('DynamoDB', 'batchWriteItem', { RequestItems: { [stack.financialsTable.tableName]: batch } });
  previous = previous ? previous.next(write) : write;
}
const inputKey = `${processor.inputPrefix}${INPUT_FILE_NAME}`;
const upload = previous!.next(assertions.awsApiCall('S3', 'putObject', {
  Bucket: processor.bucket.bucketName,
  Key: inputKey,
  Body: ORDERS_CSV,
  ContentType: 'text/csv',
}));

// 2. Wait for the run (the orchestrator's one execution, named after the run id) to end, however it ends: a failed
// run fails the next assertion at once instead of waiting out the timeout.
const run = upload.next(assertions.awsApiCall('StepFunctions', 'listExecutions', { stateMachineArn: processor.orchestrator.stateMachineArn })
  .assertAtPath('executions.0.status', ExpectedResult.stringLikeRegexp('^(SUCCEEDED|FAILED|TIMED_OUT|ABORTED)$'))
  .waitForAssertions({ totalTimeout: RUN_TIMEOUT, interval: Duration.seconds(15), backoffRate: 1 }));
const runId = run.getAttString('executions.0.name');
const published = new PublishedFiles(processor.outputPrefix, runId, inputKey);
const bucket = processor.bucket.bucketName;

// 3. What the run did. Each answer checked must stay under CloudFormation's 4 KB of custom-resource data: the
// execution's output and the output file are checked by their leaves and their ETag instead of whole.
run.next(assertions.awsApiCall('StepFunctions', 'describeExecution', { executionArn: run.getAttString('executions.0.executionArn') })
  .assertAtPath('status', ExpectedResult.stringLikeRegexp('^SUCCEEDED$')));

run.next(assertions.awsApiCall('S3', 'getObject', { Bucket: bucket, Key: published.summaryKey })
  .expect(ExpectedResult.objectLike({
    Body: Match.serializedJson(Match.objectLike({
      runId,
      status: 'SUCCEEDED',
      records: expected.records,
      chunks: expected.chunks,
      output: published.outputKey,
      rejects: published.rejectsKey,
    })),
  })));

// The rejects file, whole: line, the order's fields, the reasons.
run.next(assertions.awsApiCall('S3', 'getObject', { Bucket: bucket, Key: published.rejectsKey })
  .expect(ExpectedResult.objectLike({ Body: expected.rejectsCsv })));

// The output, by its size and its MD5 (S3's ETag of an object written in one part, unencrypted or SSE-S3), and the
// input, moved to the archive as it was uploaded. HeadObject is authorized by s3:GetObject, which the provider's
// policy (one statement per call, named after the API) would otherwise lack.
const headObject = (key: string, expectedResult: ExpectedResult) => {
  const head = assertions.awsApiCall('S3', 'headObject', { Bucket: bucket, Key: key }).expect(expectedResult);
  head.provider.addToRolePolicy({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [processor.bucket.arnForObjects('*')] });
  return run.next(head);
};
headObject(published.outputKey, ExpectedResult.objectLike({ ContentLength: Buffer.byteLength(expected.outputCsv), ETag: expected.outputETag }));
headObject(archiveKey(processor.archivePrefix, runId, inputKey), ExpectedResult.objectLike({ ContentLength: Buffer.byteLength(ORDERS_CSV) }));

// One item per rejected order in the rejected-records table, keyed by run id and line.
run.next(assertions.awsApiCall('DynamoDB', 'query', {
  TableName: processor.rejectedRecordsTable.tableName,
  KeyConditionExpression: 'runId = :runId',
  ExpressionAttributeValues: { ':runId': { S: runId } },
  ExpressionAttributeNames: { '#line': 'line' },
  ProjectionExpression: '#line',
}).expect(ExpectedResult.objectLike({
  Count: expected.rejectedLines.length,
  Items: expected.rejectedLines.map((line) => ({ line: { N: String(line) } })),
})));

// The run's event, as EventBridge delivered it to the test's queue (within a few seconds of the run's end).
run.next(assertions.awsApiCall('SQS', 'receiveMessage', { QueueUrl: runEvents.queueUrl, WaitTimeSeconds: 10 })
  .expect(ExpectedResult.objectLike({
    Messages: Match.arrayWith([Match.objectLike({
      Body: Match.serializedJson(Match.objectLike({
        'source': RUN_EVENT_SOURCE,
        'detail-type': RUN_SUCCEEDED_DETAIL_TYPE,
        'detail': Match.objectLike({ runId, inputKey, outputKey: published.outputKey, rejectsKey: published.rejectsKey, records: expected.records }),
      })),
    })]),
  }))
  .waitForAssertions({ totalTimeout: Duration.minutes(3), interval: Duration.seconds(10), backoffRate: 1 }));

app.synth();
