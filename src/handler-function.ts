import * as path from 'path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { IKey } from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { Variables } from './contract/environment-variables';
import { HandlerName } from './contract/handler-environment';
import { environmentSizeError, maxEnvironmentBytes } from './environment-size';

/**
 * This file sits one folder below the package root both as `src/` (tests) and as `lib/` (the package),
 * so the same relative path finds the assets in both.
 */
export function handlerAssetPath(name: string): string {
  return path.join(__dirname, '..', 'assets', 'lambda-src', name);
}

export interface HandlerFunctionProps {
  readonly handlerName: HandlerName;
  readonly description: string;
  /** Its variables, encoded by the handler's environment (src/contract/handler-environment.ts). */
  readonly environment: Variables;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly encryptionKey?: IKey;
  /** For functions invoked asynchronously: where events go once the retries are spent. */
  readonly deadLetterQueue?: IQueue;
  /** For functions invoked asynchronously: how many times Lambda retries a failed event. */
  readonly retryAttempts?: number;
  /** Concurrency reserved for the function, and its most. @default - none: the account's unreserved concurrency */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * One of the pipeline's handlers: Node.js 22 on Graviton, X-Ray traced, logging to its own log group
 * (created here rather than by Lambda so retention, encryption and removal are ours to set).
 *
 * Synth fails when its environment variables, all of them as Lambda measures them, may not fit in
 * Lambda's 4 KB (src/environment-size.ts): the deployment would fail, with a less helpful message.
 */
export class HandlerFunction extends lambda.Function {
  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention,
      encryptionKey: props.encryptionKey,
      removalPolicy: props.removalPolicy,
    });
    super(scope, id, {
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(handlerAssetPath(props.handlerName)),
      environment: props.environment,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      deadLetterQueue: props.deadLetterQueue,
      retryAttempts: props.retryAttempts,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
    });
    // A validation, not a check here: validators and enrichers add their variables after construction.
    this.node.addValidation({
      validate: () => {
        const variables = Stack.of(this).resolve((this.node.defaultChild as lambda.CfnFunction).environment)?.variables ?? {};
        const error = environmentSizeError(props.handlerName, maxEnvironmentBytes(Stack.of(this), variables));
        return error === undefined ? [] : [error];
      },
    });
  }
}
