import { IGrantable } from 'aws-cdk-lib/aws-iam';

/**
 * What a validator or enricher is bound to: the handler function that will call it.
 */
export interface HandlerBindOptions {
  /**
   * The identity of the handler function, to receive the grants the validator or enricher needs.
   */
  readonly grantee: IGrantable;
}

/**
 * What a validator or enricher contributes to its handler function.
 */
export interface HandlerBindConfig {
  /**
   * Environment variables of the handler function, as documented in docs/architecture.md.
   */
  readonly environment: { [key: string]: string };
}
