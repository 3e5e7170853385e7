/**
 * The construct metadata each `BatchFileProcessor` leaves in the cloud assembly (`manifest.json`,
 * under the processor's construct path): how the local tool finds the processors of a synthesized app
 * and the resources a local run starts from. The construct writes it; local/template reads it.
 * Nothing here may import aws-cdk-lib: the local tool is built without it.
 */

/** The metadata entry's `type`. */
export const PROCESSOR_METADATA_TYPE = 'cdk-batch-file-processor:processor';

/** The metadata entry's `data`: attributes of the processor's resources, which synthesis resolves to `Ref`/`Fn::GetAtt`. */
export interface ProcessorMetadata {
  readonly bucketName: string;
  readonly triggerFunctionName: string;
  readonly orchestratorArn: string;
  readonly rejectedRecordsTableName: string;
  /** Where uploads start a run: the local run uploads its input under it. */
  readonly inputPrefix: string;
  /** Where a run publishes its output, rejects and summary: the local run collects them from it. */
  readonly outputPrefix: string;
  /** Records per chunk (the run's progress counts chunks). */
  readonly chunkSize: number;
}
