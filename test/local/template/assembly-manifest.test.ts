import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack, Stage } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { assemblyProcessors, assemblyStacks, constructPaths, selectProcessor } from '../../../local/template/assembly-manifest';
import { stackTables, synthesizeInProcess } from '../../../local/template/cloud-assembly';
import { BatchFileProcessor } from '../../../src';
import { tempFolder } from '../../support/temp-folder';

// The app's stacks and processors, read from its cloud assembly as the local tool reads an app's.
const app = synthesizeInProcess((cdkApp: App) => {
  const pipelines = new Stack(cdkApp, 'Pipelines');
  new BatchFileProcessor(pipelines, 'Orders');
  new dynamodb.Table(pipelines, 'Customers', { partitionKey: { name: 'uuid', type: dynamodb.AttributeType.STRING } });
  new dynamodb.TableV2(pipelines, 'Rates', { partitionKey: { name: 'currency', type: dynamodb.AttributeType.STRING }, sortKey: { name: 'day', type: dynamodb.AttributeType.NUMBER } });
  const stage = new Stage(cdkApp, 'Staging');
  const invoicing = new Stack(stage, 'Invoicing', { stackName: 'invoicing-staging', env: { account: '111122223333', region: 'eu-west-1' } });
  new BatchFileProcessor(invoicing, 'Invoices');
  return pipelines;
});
afterAll(() => app.dispose());

test('every stack, those of a stage included, with its construct path, name and environment', () => {
  expect(app.stacks.map(({ path: p, stackName, account, region }) => ({ path: p, stackName, account, region }))).toEqual(expect.arrayContaining([
    { path: 'Pipelines', stackName: 'Pipelines', account: undefined, region: undefined },
    { path: 'Staging/Invoicing', stackName: 'invoicing-staging', account: '111122223333', region: 'eu-west-1' },
  ]));
  expect(app.stacks).toHaveLength(2);
});

test('the processors, by the metadata they leave, with their resources as the template refers to them', () => {
  const processors = assemblyProcessors(app.stacks);
  expect(processors.map((p) => p.path).sort()).toEqual(['Pipelines/Orders', 'Staging/Invoicing/Invoices']);
  const orders = processors.find((p) => p.path === 'Pipelines/Orders')!;
  expect(orders.resources.bucketName).toEqual({ Ref: expect.stringMatching(/^OrdersBucket/) });
  expect(orders.stack.template.Resources[(orders.resources.triggerFunctionName as any).Ref].Type).toBe('AWS::Lambda::Function');
});

test('the processor to run: by path (slashes around it allowed), and an error listing the paths found otherwise', () => {
  expect(selectProcessor(app.stacks, '/Staging/Invoicing/Invoices/').path).toBe('Staging/Invoicing/Invoices');
  expect(() => selectProcessor(app.stacks)).toThrow('the app has 2 processors: choose one with --processor (Pipelines/Orders, Staging/Invoicing/Invoices)');
  expect(() => selectProcessor(app.stacks, 'Pipelines/Refunds')).toThrow('no processor at Pipelines/Refunds (processors found: Pipelines/Orders, Staging/Invoicing/Invoices)');
  expect(selectProcessor(app.stacks.filter((s) => s.path === 'Pipelines')).path).toBe('Pipelines/Orders');
  expect(() => selectProcessor([])).toThrow('the app has no BatchFileProcessor');
});

test('each resource\'s construct path, as the user wrote the construct', () => {
  const pipelines = app.stacks.find((s) => s.path === 'Pipelines')!;
  const paths = [...constructPaths(pipelines).entries()];
  expect(paths).toContainEqual([expect.stringMatching(/^Customers/), 'Pipelines/Customers']);
  expect(paths).toContainEqual([expect.stringMatching(/^OrdersRejectedRecords/), 'Pipelines/Orders/RejectedRecords']);
});

test('the tables of a stack, by construct path, with their keys: a TableV2 (AWS::DynamoDB::GlobalTable) too', () => {
  const tables = stackTables(app.stacks.find((s) => s.path === 'Pipelines')!);
  expect(tables.map((t) => t.path).sort()).toEqual(['Pipelines/Customers', 'Pipelines/Orders/RejectedRecords', 'Pipelines/Orders/RunQueue', 'Pipelines/Rates']);
  expect(tables.find((t) => t.path === 'Pipelines/Rates')).toMatchObject({
    keySchema: [{ AttributeName: 'currency', KeyType: 'HASH' }, { AttributeName: 'day', KeyType: 'RANGE' }],
    attributeDefinitions: [{ AttributeName: 'currency', AttributeType: 'S' }, { AttributeName: 'day', AttributeType: 'N' }],
  });
});

describe('an assembly the tool cannot use', () => {
  const dir = tempFolder('assembly-manifest-test-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a folder without a manifest is not a cloud assembly', () => {
    expect(() => assemblyStacks(dir)).toThrow(`${dir} is not a cloud assembly: it has no manifest.json`);
  });

  test('context the app needed but could not look up is named, with what to do', () => {
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
      version: '41.0.0',
      artifacts: {},
      missing: [{ key: 'vpc-provider:account=111122223333:filter.isDefault=true:region=eu-west-1', provider: 'vpc-provider', props: {} }],
    }));
    expect(() => assemblyStacks(dir)).toThrow(/^the app needs context the local tool cannot look up \(vpc-provider:account=111122223333.*\): run `cdk synth` once with AWS credentials/);
  });
});

describe('an assembly as the newest aws-cdk-lib writes it', () => {
  const dir = tempFolder('assembly-metadata-file-test-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a stack\'s construct metadata in its additionalMetadataFile is read as the inline metadata is', () => {
    // The in-process assembly, with each stack's metadata moved out of manifest.json into a file of its own.
    fs.cpSync(app.directory, dir, { recursive: true });
    const moveMetadata = (folder: string) => {
      const manifestFile = path.join(folder, 'manifest.json');
      const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
      for (const [id, artifact] of Object.entries<any>(manifest.artifacts)) {
        if (artifact.type === 'cdk:cloud-assembly') moveMetadata(path.join(folder, artifact.properties.directoryName));
        if (artifact.type !== 'aws:cloudformation:stack') continue;
        fs.writeFileSync(path.join(folder, `${id}.metadata.json`), JSON.stringify(artifact.metadata));
        delete artifact.metadata;
        artifact.additionalMetadataFile = `${id}.metadata.json`;
      }
      fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    };
    moveMetadata(dir);
    const stacks = assemblyStacks(dir);
    expect(assemblyProcessors(stacks).map((p) => p.path).sort()).toEqual(['Pipelines/Orders', 'Staging/Invoicing/Invoices']);
    expect(stacks.map((stack) => stack.metadata)).toEqual(app.stacks.map((stack) => stack.metadata));
  });

  test('no processor found says which stacks were read, what was looked for and the app\'s aws-cdk-lib', () => {
    const version = JSON.parse(fs.readFileSync(require.resolve('aws-cdk-lib/package.json'), 'utf8')).version;
    const withoutProcessors = app.stacks.map((stack) => ({ ...stack, metadata: {} }));
    expect(withoutProcessors[0].cdkVersion).toBe(version);
    expect(() => selectProcessor(withoutProcessors)).toThrow('the app has no BatchFileProcessor: none of its 2 stack(s) (Pipelines, Staging/Invoicing) '
      + `has construct metadata of type "cdk-batch-file-processor:processor", which every BatchFileProcessor leaves (the app's aws-cdk-lib: ${version}).`);
    expect(() => selectProcessor([])).toThrow('the app has no BatchFileProcessor: its cloud assembly has no stacks');
  });
});
