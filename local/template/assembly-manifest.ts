/**
 * Reads a cloud assembly folder (`cdk.out`) as the CDK CLI does: `manifest.json`, its stack artifacts with
 * their templates and construct metadata, the nested assemblies of stages, and the context lookups synthesis
 * could not do. The schema: https://github.com/aws/aws-cdk-cli/tree/main/packages/%40aws-cdk/cloud-assembly-schema
 * (read as JSON, without the schema package's version check: the app's aws-cdk-lib may be newer than ours).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnTemplate } from './token-resolver';
import { PROCESSOR_METADATA_TYPE, ProcessorMetadata } from '../../src/contract/processor-metadata';
import { UsageError } from '../shared/usage-error';

/** A metadata entry of a construct, as the manifest keeps it. */
export interface MetadataEntry {
  readonly type: string;
  readonly data?: unknown;
}

/** One stack of the app. */
export interface AssemblyStack {
  /** The stack's construct path, e.g. `MyStack` or `MyStage/MyStack` (the CLI's display name). */
  readonly path: string;
  /** The CloudFormation stack name. */
  readonly stackName: string;
  /** The stack's account and region, when the app gives them (`env`); undefined when environment-agnostic. */
  readonly account?: string;
  readonly region?: string;
  /** The folder its template and asset paths are relative to. */
  readonly directory: string;
  readonly template: CfnTemplate;
  /** Construct metadata by construct path (without the leading `/`), from the manifest and the stack's metadata file. */
  readonly metadata: Readonly<Record<string, readonly MetadataEntry[]>>;
  /** The app's aws-cdk-lib version, as the assembly's construct tree names it; undefined when the assembly has no tree. */
  readonly cdkVersion?: string;
}

/** A `BatchFileProcessor` of the app, found by the metadata it leaves (src/contract/processor-metadata.ts). */
export interface AssemblyProcessor {
  /** Its construct path, e.g. `MyStack/Orders`. */
  readonly path: string;
  readonly stack: AssemblyStack;
  /** Its resources, as the template refers to them (`{ Ref: … }`). */
  readonly resources: ProcessorMetadata;
}

interface ManifestArtifact {
  readonly type: string;
  readonly displayName?: string;
  /** `aws://<account>/<region>`, `unknown-account`/`unknown-region` when agnostic. */
  readonly environment?: string;
  /** `file` is the construct tree's (`cdk:tree`). */
  readonly properties?: { templateFile?: string; stackName?: string; directoryName?: string; file?: string };
  readonly metadata?: Record<string, MetadataEntry[]>;
  /**
   * A file holding the stack's construct metadata, by construct path, as `metadata` does: aws-cdk-lib 2.278.0 writes
   * it there instead of into manifest.json (2.215.0 still wrote it inline). Both are read.
   */
  readonly additionalMetadataFile?: string;
}

interface Manifest {
  readonly artifacts?: Record<string, ManifestArtifact>;
  readonly missing?: Array<{ key: string; provider: string }>;
}

function readManifest(directory: string): Manifest {
  const file = path.join(directory, 'manifest.json');
  if (!fs.existsSync(file)) throw new UsageError(`${directory} is not a cloud assembly: it has no manifest.json`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** The aws-cdk-lib version the app was synthesized with: the root's `constructInfo` in the construct tree (`cdk:tree`). */
function treeCdkVersion(directory: string, manifest: Manifest): string | undefined {
  const tree = Object.values(manifest.artifacts ?? {}).find((artifact) => artifact.type === 'cdk:tree');
  const file = tree?.properties?.file;
  if (!file || !fs.existsSync(path.join(directory, file))) return undefined;
  return JSON.parse(fs.readFileSync(path.join(directory, file), 'utf8')).tree?.constructInfo?.version;
}

/** A stack's construct metadata: what the manifest holds inline, and what its metadata file holds. */
function stackMetadata(directory: string, artifact: ManifestArtifact): Record<string, MetadataEntry[]> {
  const metadata: Record<string, MetadataEntry[]> = {};
  const inFile: Record<string, MetadataEntry[]> = artifact.additionalMetadataFile
    ? JSON.parse(fs.readFileSync(path.join(directory, artifact.additionalMetadataFile), 'utf8'))
    : {};
  for (const source of [artifact.metadata ?? {}, inFile]) {
    for (const [constructPath, entries] of Object.entries(source)) {
      const key = constructPath.replace(/^\//, '');
      metadata[key] = [...metadata[key] ?? [], ...entries];
    }
  }
  return metadata;
}

/** Every stack of the assembly in `directory`, those of nested assemblies (stages) included. */
export function assemblyStacks(directory: string, cdkVersion?: string): AssemblyStack[] {
  const manifest = readManifest(directory);
  const version = cdkVersion ?? treeCdkVersion(directory, manifest);
  const missing = manifest.missing ?? [];
  if (missing.length > 0) {
    throw new UsageError(`the app needs context the local tool cannot look up (${missing.map((m) => m.key).join(', ')}): run \`cdk synth\` `
      + 'once with AWS credentials so that cdk.context.json holds it, as for any offline synthesis');
  }
  const stacks: AssemblyStack[] = [];
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      stacks.push(...assemblyStacks(path.join(directory, artifact.properties.directoryName), version));
    }
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
    const [, account, region] = /^aws:\/\/([^/]*)\/(.*)$/.exec(artifact.environment ?? '') ?? [];
    stacks.push({
      path: artifact.displayName ?? id,
      stackName: artifact.properties.stackName ?? id,
      account: account && account !== 'unknown-account' ? account : undefined,
      region: region && region !== 'unknown-region' ? region : undefined,
      directory,
      template: JSON.parse(fs.readFileSync(path.join(directory, artifact.properties.templateFile), 'utf8')),
      metadata: stackMetadata(directory, artifact),
      cdkVersion: version,
    });
  }
  return stacks;
}

/** The processors of the app, in the order of its stacks. */
export function assemblyProcessors(stacks: readonly AssemblyStack[]): AssemblyProcessor[] {
  return stacks.flatMap((stack) => Object.entries(stack.metadata).flatMap(([constructPath, entries]) => entries
    .filter((entry) => entry.type === PROCESSOR_METADATA_TYPE)
    .map((entry) => ({ path: constructPath, stack, resources: entry.data as ProcessorMetadata }))));
}

/**
 * The processor to run: the one at `processorPath`, or the app's only one. An error lists the paths
 * found when there is none, more than one and no path, or none at the path.
 */
export function selectProcessor(stacks: readonly AssemblyStack[], processorPath?: string): AssemblyProcessor {
  const processors = assemblyProcessors(stacks);
  const found = processors.map((p) => p.path).sort().join(', ');
  if (processors.length === 0) throw new UsageError(noProcessorMessage(stacks));
  if (processorPath === undefined) {
    if (processors.length === 1) return processors[0];
    throw new UsageError(`the app has ${processors.length} processors: choose one with --processor (${found})`);
  }
  const wanted = processorPath.replace(/^\/|\/$/g, '');
  const processor = processors.find((p) => p.path === wanted);
  if (!processor) throw new UsageError(`no processor at ${processorPath} (processors found: ${found})`);
  return processor;
}

/** Why no processor was found: what was read, what was looked for, and the aws-cdk-lib that wrote it. */
function noProcessorMessage(stacks: readonly AssemblyStack[]): string {
  if (stacks.length === 0) return 'the app has no BatchFileProcessor: its cloud assembly has no stacks';
  const versions = [...new Set(stacks.map((stack) => stack.cdkVersion ?? 'unknown'))].join(', ');
  return `the app has no BatchFileProcessor: none of its ${stacks.length} stack(s) (${stacks.map((stack) => stack.path).sort().join(', ')}) `
    + `has construct metadata of type "${PROCESSOR_METADATA_TYPE}", which every BatchFileProcessor leaves (the app's aws-cdk-lib: ${versions}). `
    + 'Is the processor in one of these stacks, and is the app\'s cdk-batch-file-processor the one this tool came with?';
}

/** The logical IDs of the stack's template, by construct path (`MyStack/Table/Resource` → `Table1234ABCD`). */
export function logicalIdsByPath(stack: AssemblyStack): Map<string, string> {
  const ids = new Map<string, string>();
  for (const [constructPath, entries] of Object.entries(stack.metadata)) {
    for (const entry of entries) if (entry.type === 'aws:cdk:logicalId') ids.set(constructPath, String(entry.data));
  }
  return ids;
}

/**
 * The construct path of each resource (its logical ID's), as the user wrote the construct: without the
 * `/Resource` an L2 construct's CloudFormation resource adds (`MyStack/Financials`).
 */
export function constructPaths(stack: AssemblyStack): Map<string, string> {
  const paths = new Map<string, string>();
  for (const [constructPath, logicalId] of logicalIdsByPath(stack)) paths.set(logicalId, constructPath.replace(/\/Resource$/, ''));
  return paths;
}
