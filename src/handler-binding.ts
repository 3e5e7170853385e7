import { IGrantable } from 'aws-cdk-lib/aws-iam';

/**
 * What a validator or enricher is bound to: the handler function that will call it. Internal
 * (not exported from the package): `_bind` is.
 */
export interface HandlerBindOptions {
  /**
   * The identity of the handler function, to receive the grants the validator or enricher needs.
   */
  readonly grantee: IGrantable;
}
