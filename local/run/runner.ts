// local/ is development tooling, left out of the npm package: it runs on devDependencies.
import type { App } from 'aws-cdk-lib';
import { AppRunOptions, LocalRunResult, runApp } from './app-run';
import { ProcessorStack } from './processor-stack';
import type { InputEncoding } from '../../src/batch-file-processor-props';
import { UsageError } from '../shared/usage-error';
import { synthesizeInProcess } from '../template/cloud-assembly';

export type { InputRun, LocalRunResult, RejectedRecordItem, RunProgress, RunTotals, TableDataFile } from './app-run';

export interface LocalRunOptions extends AppRunOptions {
  /** Enrichment data for the reference example (CSV with a `uuid` column): `tableData` for its financial-data table. */
  readonly lookup?: string;
  /** The reference example's delimiter (its stack's prop). */
  readonly delimiter?: string;
  /** The reference example's chunk size (its stack's prop). */
  readonly chunkSize?: number;
  /** The input's character encoding (the reference example's `encoding`). @default InputEncoding.UTF_8 */
  readonly encoding?: InputEncoding;
  /** The reference example's email recipients. @default ['ops@example.com'] */
  readonly emailRecipients?: string[];
  /** Builds the stack to run. @default the reference example, `OrdersPipelineStack` */
  readonly createStack?: (app: App, props: ExampleProps) => ProcessorStack;
  /**
   * The SES identities (addresses and domains) verified in the account, beyond those the template verifies.
   * @default the example's sender and recipient, `pipeline@example.com` and `ops@example.com` (its README has them verified)
   */
  readonly verifiedEmailIdentities?: string[];
  /** The SES account is in the sandbox: recipients must be verified too. `false`: production access. @default true */
  readonly sesSandbox?: boolean;
  /** The app's context, as its cdk.json would hold it (feature flags among them). @default none */
  readonly context?: Readonly<Record<string, unknown>>;
}

const EXAMPLE_SENDER = 'pipeline@example.com';
const EXAMPLE_RECIPIENTS = ['ops@example.com'];

export interface ExampleProps {
  readonly chunkSize?: number;
  readonly delimiter?: string;
  readonly encoding?: InputEncoding;
  readonly emailSender: string;
  readonly emailRecipients: string[];
}

function exampleStack(app: App, props: ExampleProps): ProcessorStack {
  // Loaded lazily: only the default needs the example (and its handler bundles).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { OrdersPipelineStack } = require('../../examples/orders-stack');
  return new OrdersPipelineStack(app, 'OrdersPipeline', props);
}

/**
 * Runs a stack built in this process on this machine (the reference example by default): synthesized as the
 * cdk CLI would synthesize it, then run as `batch-file-processor local` runs an app's processor (`runApp`).
 */
export async function runLocally(options: LocalRunOptions): Promise<LocalRunResult> {
  const startedAt = Date.now();
  const props: ExampleProps = {
    chunkSize: options.chunkSize,
    delimiter: options.delimiter,
    encoding: options.encoding,
    emailSender: EXAMPLE_SENDER,
    emailRecipients: options.emailRecipients ?? EXAMPLE_RECIPIENTS,
  };
  const ses = { sandbox: options.sesSandbox, verifiedIdentities: options.verifiedEmailIdentities ?? [EXAMPLE_SENDER, ...EXAMPLE_RECIPIENTS] };
  const synthesized = synthesizeInProcess((app) => (options.createStack ?? exampleStack)(app, props), options.context);
  try {
    const { processor, financialsTable } = synthesized.stack;
    if (options.lookup && !financialsTable) throw new UsageError('lookup needs a stack with a financialsTable (the reference example)');
    const lookup = options.lookup && financialsTable ? [{ path: financialsTable.node.path, file: options.lookup }] : [];
    return await runApp({ stacks: synthesized.stacks, processor: processor.node.path, tableData: lookup, startedAt }, { ...options, ses });
  } finally {
    synthesized.dispose();
  }
}
