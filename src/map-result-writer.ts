import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';

export interface MapResultWriterProps extends sfn.ResultWriterProps {
  /** The prefix every run's work files, the Map's results among them, are written under. */
  readonly workPrefix: string;
}

/**
 * Writes the Distributed Map's results under the run's work prefix.
 *
 * CDK's `ResultWriter` grants its actions on every object of the bucket, inputs and outputs
 * included; the Map only ever writes under the work prefix, so the grant is narrowed to it. The
 * actions are the ones the ResultWriter needs
 * (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html#resultwriter-iam-policies).
 */
export class MapResultWriter extends sfn.ResultWriter {
  private readonly workPrefix: string;

  constructor(props: MapResultWriterProps) {
    super(props);
    this.workPrefix = props.workPrefix;
  }

  public providePolicyStatements(): iam.PolicyStatement[] {
    return [new iam.PolicyStatement({
      actions: ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
      resources: [this.bucket.arnForObjects(`${this.workPrefix}*`)],
    })];
  }
}
