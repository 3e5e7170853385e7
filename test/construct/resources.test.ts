import { CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { INPUT_SUFFIXES } from '../../lambda-src/trigger/run-requests';
import { BatchFileProcessorProps, RecordEnricher } from '../../src';
import { IMPORTED_BUCKET_WITHOUT_KEY_WARNING } from '../../src/imported-bucket-key';
import { synthesizeProcessor } from '../support/processor-template';

describe('bucket', () => {
  const { template } = synthesizeProcessor();

  test('blocks public access, is versioned and encrypted, and is retained', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('denies requests without TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Deny',
          Action: 's3:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        })]),
      },
    });
  });

  test('expires intermediate files under the work prefix once a redrive can no longer need them: runTimeout + 14 days + 1', () => {
    // The default runTimeout is 24 hours: 1 + 14 + 1.
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Prefix: 'runs/', ExpirationInDays: 16, Status: 'Enabled' })]) },
    });
    synthesizeProcessor(() => ({ runTimeout: Duration.days(365) })).template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Prefix: 'runs/', ExpirationInDays: 380 })]) },
    });
    synthesizeProcessor(() => ({ runTimeout: Duration.hours(25) })).template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Prefix: 'runs/', ExpirationInDays: 17 })]) },
    });
    synthesizeProcessor(() => ({ workPrefix: 'work/', intermediateFileRetention: Duration.days(40) })).template
      .hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Prefix: 'work/', ExpirationInDays: 40 })]) },
      });
  });

  test('removes expired delete markers, in the rule without an expiration (S3 refuses both in one rule)', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({
          Id: 'expire-noncurrent-versions',
          Prefix: Match.absent(),
          ExpiredObjectDeleteMarker: true,
          ExpirationInDays: Match.absent(),
          NoncurrentVersionExpiration: { NoncurrentDays: 30 },
        })]),
      },
    });
  });

  test('uses an existing bucket instead of creating one', () => {
    const { template: withExisting, processor, stack } = synthesizeProcessor((scope) => ({
      bucket: s3.Bucket.fromBucketName(scope, 'Existing', 'my-existing-bucket'),
    }));
    withExisting.resourceCountIs('AWS::S3::Bucket', 0);
    expect(stack.resolve(processor.bucket.bucketName)).toBe('my-existing-bucket');
  });

  test('an existing bucket imported without its key is warned about at synth, unless it has a key or the processor one', () => {
    const warningsOf = (stack: Stack) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('bucket is imported without an encryption key'));
    const byName = synthesizeProcessor((scope) => ({ bucket: s3.Bucket.fromBucketName(scope, 'Existing', 'my-existing-bucket') }));
    const warnings = warningsOf(byName.stack);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].id).toBe('/Test/Processor');
    expect(String(warnings[0].entry.data)).toContain('s3.Bucket.fromBucketAttributes(this, id, { bucketName, encryptionKey })');
    expect(String(warnings[0].entry.data)).toContain(`[ack: ${IMPORTED_BUCKET_WITHOUT_KEY_WARNING}]`);

    const withKey = synthesizeProcessor((scope) => ({
      bucket: s3.Bucket.fromBucketAttributes(scope, 'Existing', { bucketName: 'my-existing-bucket', encryptionKey: new kms.Key(scope, 'BucketKey') }),
    }));
    const processorKey = synthesizeProcessor((scope) => ({
      bucket: s3.Bucket.fromBucketName(scope, 'Existing', 'my-existing-bucket'), encryptionKey: new kms.Key(scope, 'Key'),
    }));
    const sameStack = synthesizeProcessor((scope) => ({ bucket: new s3.Bucket(scope, 'Mine') }));
    for (const quiet of [withKey, processorKey, sameStack, synthesizeProcessor()]) expect(warningsOf(quiet.stack)).toEqual([]);
  });

  test('applies bucketProps over the defaults and keeps its lifecycle rules', () => {
    synthesizeProcessor(() => ({
      bucketProps: { versioned: false, lifecycleRules: [{ id: 'mine', prefix: 'output/', expiration: Duration.days(90) }] },
    })).template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: Match.absent(),
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Prefix: 'runs/' }), Match.objectLike({ Id: 'mine' })]) },
    });
  });

  test('follows the removal policy', () => {
    synthesizeProcessor(() => ({ removalPolicy: RemovalPolicy.DESTROY })).template
      .hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
  });
});

describe.each([
  ['rejected-records table, keyed by run and line', 'runId', 'line', 'N'],
  ['run queue table, keyed by kind and id', 'kind', 'id', 'S'],
])('%s', (_, partitionKey, sortKey, sortType) => {
  const tableOf = (template: Template) => Object.values<any>(template.findResources('AWS::DynamoDB::Table'))
    .find((table) => table.Properties.KeySchema[0].AttributeName === partitionKey);

  test('expires items, is on demand with PITR, encrypted, and retained unless the removal policy says otherwise', () => {
    expect(tableOf(synthesizeProcessor().template)).toMatchObject({
      Properties: {
        KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }, { AttributeName: sortKey, KeyType: 'RANGE' }],
        AttributeDefinitions: [{ AttributeName: partitionKey, AttributeType: 'S' }, { AttributeName: sortKey, AttributeType: sortType }],
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      },
      DeletionPolicy: 'Retain',
    });
    expect(tableOf(synthesizeProcessor(() => ({ removalPolicy: RemovalPolicy.DESTROY })).template)).toMatchObject({ DeletionPolicy: 'Delete' });
  });
});

describe('rejected-records table', () => {
  test('stores records for rejectedRecordRetention days', () => {
    const { template } = synthesizeProcessor(() => ({ rejectedRecordRetention: Duration.days(90) }));
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ REJECTS_TTL_DAYS: '90', REJECTS_TABLE: { Ref: Match.stringLikeRegexp('^ProcessorRejectedRecords') } }) },
    });
  });
});

describe('run queue table', () => {
  test('run-turns is told the table, maxConcurrentRuns and runTimeout', () => {
    const { template } = synthesizeProcessor(() => ({ maxConcurrentRuns: 25, runTimeout: Duration.hours(6) }));
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Admits'),
      Timeout: 30,
      Environment: {
        Variables: { LOG_LEVEL: 'info', RUN_QUEUE_TABLE: { Ref: Match.stringLikeRegexp('^ProcessorRunQueue') }, MAX_CONCURRENT_RUNS: '25', RUN_TIMEOUT_SECONDS: '21600' },
      },
    });
  });
});

describe('chunk functions\' reserved concurrency', () => {
  const reservedOf = (template: Template) => Object.fromEntries(Object.values<any>(template.findResources('AWS::Lambda::Function'))
    .filter((fn) => !String(fn.Properties.Description).includes('Custom::S3BucketNotifications'))
    .map((fn) => [String(fn.Properties.Description).split(' ')[0], fn.Properties.ReservedConcurrentExecutions]));

  test('is set on validate, enrich and record rejects only, when asked for', () => {
    const enrichment = RecordEnricher.fromHttpEndpoint({ url: 'https://api.example.com/{id}' });
    const chunkFunctions = { Validates: 150, Enriches: 150, Stores: 150 };
    const others = Object.fromEntries(['Starts', 'Admits', 'Splits', 'Merges', 'Archives', 'Publishes'].map((fn) => [fn, undefined]));
    const { template } = synthesizeProcessor(() => ({ enrichment, chunkFunctionsReservedConcurrency: 150 }));
    expect(reservedOf(template)).toEqual({ ...chunkFunctions, ...others });
    expect(Object.values(reservedOf(synthesizeProcessor().template)).every((reserved) => reserved === undefined)).toBe(true);
  });
});

describe('trigger', () => {
  const { template } = synthesizeProcessor();

  test('is invoked for .csv, .csv.gz, .CSV and .CSV.GZ objects created under the input prefix, one notification each', () => {
    const forSuffix = (suffix: string) => ({
      Events: ['s3:ObjectCreated:*'],
      Filter: { Key: { FilterRules: Match.arrayWith([{ Name: 'suffix', Value: suffix }, { Name: 'prefix', Value: 'input/' }]) } },
      LambdaFunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ProcessorTrigger'), 'Arn'] },
    });
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: { LambdaFunctionConfigurations: [forSuffix('.csv'), forSuffix('.csv.gz'), forSuffix('.CSV'), forSuffix('.CSV.GZ')] },
    });
    const uploads = Match.objectLike({ Filter: { Key: { FilterRules: Match.arrayWith([{ Name: 'prefix', Value: 'uploads/' }]) } } });
    synthesizeProcessor(() => ({ inputPrefix: 'uploads/' })).template.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: { LambdaFunctionConfigurations: [uploads, uploads, uploads, uploads] },
    });
  });

  test('filters on the suffixes the trigger handler accepts, in lower and upper case (S3 suffix filters are case-sensitive), none overlapping another', () => {
    const rules = template.findResources('Custom::S3BucketNotifications');
    const suffixes: string[] = Object.values(rules).flatMap((r: any) => r.Properties.NotificationConfiguration.LambdaFunctionConfigurations
      .map((c: any) => c.Filter.Key.FilterRules.find((rule: any) => rule.Name === 'suffix').Value));
    expect(suffixes).toEqual([...INPUT_SUFFIXES, ...INPUT_SUFFIXES.map((suffix) => suffix.toUpperCase())]);
    // S3 refuses two notifications with the same prefix when one suffix ends with the other.
    for (const suffix of suffixes) {
      for (const other of suffixes) if (other !== suffix) expect(suffix.endsWith(other)).toBe(false);
    }
  });

  test('sends events it failed on, after retries, to an encrypted TLS-only dead-letter queue', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ STATE_MACHINE_ARN: { Ref: Match.stringLikeRegexp('^ProcessorOrchestrator') } }) },
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ProcessorTriggerDeadLetterQueue'), 'Arn'] } },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2 });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });
});

describe('functions', () => {
  test('run Node.js 22 on arm64 with tracing and a log group with retention', () => {
    const { template } = synthesizeProcessor();
    const functions = Object.values(template.findResources('AWS::Lambda::Function'))
      .filter((fn: any) => !String(fn.Properties.Description).includes('Custom::S3BucketNotifications'));
    // trigger, run-turns, split, validate, record rejects, merge, archive, notify (no enrichment configured)
    expect(functions).toHaveLength(8);
    for (const fn of functions as any[]) {
      expect(fn.Properties).toMatchObject({
        Handler: 'index.handler',
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: expect.stringMatching(/LogGroup/) } },
      });
    }
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  test('are exposed as lambda.Function: their own log group, variables and metrics are the user\'s to use', () => {
    const { template, processor, stack } = synthesizeProcessor(() => ({}), (p) => {
      p.mergeFunction.addEnvironment('MY_TRACE_SETTING', 'on');
    });
    const merge = template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('^Merges') } });
    const [mergeProps] = Object.values<any>(merge).map((fn) => fn.Properties);
    expect(mergeProps.Environment.Variables.MY_TRACE_SETTING).toBe('on');
    const logGroup = processor.mergeFunction.logGroup.node.defaultChild as CfnResource;
    expect(mergeProps.LoggingConfig.LogGroup).toEqual({ Ref: stack.resolve(logGroup.logicalId) });
    const notify = processor.notifyFunction;
    expect(stack.resolve(notify.metricErrors().dimensions)).toEqual({ FunctionName: stack.resolve(notify.functionName) });
  });
});

describe('function memory', () => {
  const memoryByDescription = (props: BatchFileProcessorProps) => {
    const { template } = synthesizeProcessor(() => props);
    const functions = Object.values<any>(template.findResources('AWS::Lambda::Function'));
    const memoryOf = (description: RegExp) => functions.find((fn) => description.test(String(fn.Properties.Description)))?.Properties.MemorySize;
    return {
      split: memoryOf(/^Splits/),
      merge: memoryOf(/^Merges/),
      validate: memoryOf(/^Validates/),
      enrich: memoryOf(/^Enriches/),
      recordRejects: memoryOf(/^Stores the rejected/),
    };
  };
  const enrichment = RecordEnricher.fromHttpEndpoint({ url: 'https://api.example.com/{uuid}' });

  test('split and merge get one full vCPU (1,769 MB) and the chunk functions 1,024 MB by default', () => {
    expect(memoryByDescription({ enrichment })).toEqual({ split: 1769, merge: 1769, validate: 1024, enrich: 1024, recordRejects: 1024 });
  });

  test('memorySize sets the chunk functions and splitAndMergeMemorySize split and merge, each alone', () => {
    expect(memoryByDescription({ enrichment, memorySize: 512, splitAndMergeMemorySize: 3008 }))
      .toEqual({ split: 3008, merge: 3008, validate: 512, enrich: 512, recordRejects: 512 });
  });
});

describe('state machine log groups', () => {
  test('are named under /aws/vendedlogs/states/ with a part unique to the stack instance, so a retained group does not block a redeploy', () => {
    const { template } = synthesizeProcessor();
    const names = Object.values(template.findResources('AWS::Logs::LogGroup'))
      .map((group: any) => group.Properties.LogGroupName)
      .filter((name) => name !== undefined);
    expect(names).toHaveLength(2);
    const stackInstance = { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] };
    for (const name of names) {
      const [separator, parts] = name['Fn::Join'];
      expect(separator).toBe('');
      expect(parts[0]).toMatch(/^\/aws\/vendedlogs\/states\/(ChunkProcessorLogs|OrchestratorLogs)-[0-9a-f]+-$/);
      expect(parts.slice(1)).toEqual([stackInstance]);
    }
    expect(new Set(names.map((name: any) => name['Fn::Join'][1][0])).size).toBe(2);
  });
});
