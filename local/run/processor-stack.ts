import { Stack } from 'aws-cdk-lib';
import { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { BatchFileProcessor } from '../../src';

/** A stack the local cloud runs: one `BatchFileProcessor`, and the table a lookup file is loaded into, if any. */
export interface ProcessorStack extends Stack {
  readonly processor: BatchFileProcessor;
  /** Where `--lookup` rows go (the reference example's financial data). */
  readonly financialsTable?: ITable;
}
