import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/**
 * The feature flag that decides which of a Distributed Map's writer props CDK renders: with it on, `resultWriterV2`;
 * off, the deprecated `resultWriter`. The other is dropped without a word. `cdk init` writes it on; older apps leave it off.
 */
export const RESULT_WRITER_V2_FLAG = '@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2';

/**
 * Sets the ResultWriterV2 flag on `scope`, for the constructs that will be created under it, whatever the app's
 * cdk.json says: the Map below always has a `resultWriterV2` and never the deprecated prop, which prints
 * deprecation warnings on every synth with the newest aws-cdk-lib. Context set on a construct applies to its
 * children only (the nearest value wins, `Node.tryGetContext`), so nothing else of the user's app changes.
 * Must be called before `scope` has children.
 */
export function useResultWriterV2(scope: Construct): void {
  scope.node.setContext(RESULT_WRITER_V2_FLAG, true);
}

export interface MapResultWriterProps {
  /** The bucket the results are written to. */
  readonly bucket: s3.IBucket;
  /** The prefix the results are written under (a JSONPath may build it from the state). */
  readonly prefix: string;
  /** The prefix every run's work files, the Map's results among them, are written under. */
  readonly workPrefix: string;
}

/**
 * Writes the Distributed Map's results under the run's work prefix.
 *
 * CDK's `ResultWriterV2` grants its actions on every object of the bucket, inputs and outputs
 * included; the Map only ever writes under the work prefix, so the grant is narrowed to it. The
 * actions are the ones the ResultWriter needs
 * (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html#resultwriter-iam-policies).
 */
export class MapResultWriter extends sfn.ResultWriterV2 {
  private readonly workBucket: s3.IBucket;
  private readonly workPrefix: string;

  constructor(props: MapResultWriterProps) {
    super({ bucket: props.bucket, prefix: props.prefix });
    this.workBucket = props.bucket;
    this.workPrefix = props.workPrefix;
  }

  public providePolicyStatements(): iam.PolicyStatement[] {
    return [new iam.PolicyStatement({
      actions: ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
      resources: [this.workBucket.arnForObjects(`${this.workPrefix}*`)],
    })];
  }
}

/**
 * Refuses a synth whose Distributed Map lost its ResultWriter. Without one the Map returns every child's
 * result in its own output, and with `resultSelector` reading `$.MapRunArn`/`$.ResultWriterDetails` every
 * run fails at the Map on AWS: a definition that must never be deployed.
 */
export function requireResultWriter(map: sfn.DistributedMap): void {
  map.node.addValidation({
    validate: () => (map.toStateJson() as { ResultWriter?: unknown }).ResultWriter === undefined
      ? [`the Distributed Map ${map.node.path} has no ResultWriter: aws-cdk-lib dropped its writer (see the feature flag ${RESULT_WRITER_V2_FLAG})`]
      : [],
  });
}
