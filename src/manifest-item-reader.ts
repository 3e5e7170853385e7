import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';

export interface ManifestItemReaderProps extends sfn.S3FileItemReaderProps {
  /** The prefix the manifests are written under. */
  readonly workPrefix: string;
}

/**
 * Reads the run's chunk manifest (a JSON array of `ChunkRef`).
 *
 * CDK's `S3JsonItemReader` grants `s3:GetObject` on the whole bucket, inputs and outputs included;
 * the orchestrator only ever reads manifests, so the grant is narrowed to the work prefix.
 */
export class ManifestItemReader extends sfn.S3JsonItemReader {
  private readonly workPrefix: string;

  constructor(props: ManifestItemReaderProps) {
    super(props);
    this.workPrefix = props.workPrefix;
  }

  public providePolicyStatements(): iam.PolicyStatement[] {
    return [new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [this.bucket.arnForObjects(`${this.workPrefix}*`)],
    })];
  }
}
