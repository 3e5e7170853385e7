/**
 * The errors a state fails with when its state machine's role may not make a call, as Step Functions reports
 * them: the Task's service error, named `<Service>.<Exception>` with the service's access denied message as the
 * Cause (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html); a Distributed Map's
 * `States.ItemReaderFailed` / `States.ResultWriterFailed` when it may not read its items or write its results
 * (https://docs.aws.amazon.com/step-functions/latest/dg/redrive-map-run.html: the Map Run then fails or never
 * starts).
 *
 * Assumed where the documentation shows no example: an optimised Lambda or Step Functions integration fails with
 * the generic service exception of the SDK Step Functions calls them with (`Lambda.AWSLambdaException`,
 * `StepFunctions.AWSStepFunctionsException`, as executions report them), its Cause the IAM message with the SDK's
 * `(Service: …; Status Code: …; Error Code: AccessDeniedException; …)` suffix; an `aws-sdk` or optimised
 * S3/DynamoDB integration with `<Service>.AccessDeniedException`; a Distributed Map whose role may not start its
 * children with `States.Permissions` (the States Language's error for a state without the privileges it needs).
 */
import { randomUUID } from 'node:crypto';
import { accessDeniedMessage } from './access-denied-responses';
import { IamEngine } from './iam-engine';
import { Decision } from './policy-evaluation';
import { distributedMapChildChecks, syncExecutionChecks, taskChecks } from './state-machine-tasks';
import { namedError } from '../shared/named-error';
import { serviceErrorPrefix } from '../shared/service-error-names';
import { LocalEnvironment } from '../template/token-resolver';

/** A call Step Functions makes with a state machine's role. */
export type StateMachineCall =
  /** A Task's integration (its evaluated parameters), a Distributed Map's ItemReader or ResultWriter. */
  | { readonly kind: 'task' | 'itemReader' | 'resultWriter'; readonly resource: string; readonly parameters: Record<string, any> }
  /** A `.sync` integration following the execution it started. */
  | { readonly kind: 'describeExecution'; readonly executionArn: string }
  /** A Distributed Map starting its child executions. */
  | { readonly kind: 'startChildren' };

/** The SDK's suffix on a service exception's message. */
const sdkSuffix = (service: string, status: number) =>
  ` (Service: ${service}; Status Code: ${status}; Error Code: AccessDeniedException; Request ID: ${randomUUID()}; Proxy: null)`;

function refusalOf(call: StateMachineCall, refused: Decision): Error {
  switch (call.kind) {
    case 'itemReader': return namedError('States.ItemReaderFailed', accessDeniedMessage(refused, true));
    case 'resultWriter': return namedError('States.ResultWriterFailed', accessDeniedMessage(refused, true));
    case 'startChildren': return namedError('States.Permissions', accessDeniedMessage(refused));
    case 'describeExecution': return namedError('StepFunctions.AWSStepFunctionsException', accessDeniedMessage(refused) + sdkSuffix('AWSStepFunctions', 400));
    case 'task': break;
  }
  const { resource } = call;
  if (/^arn:aws:lambda:/.test(resource) || resource.startsWith('arn:aws:states:::lambda:')) {
    return namedError('Lambda.AWSLambdaException', accessDeniedMessage(refused) + sdkSuffix('AWSLambda', 403));
  }
  if (resource.startsWith('arn:aws:states:::states:')) {
    return namedError('StepFunctions.AWSStepFunctionsException', accessDeniedMessage(refused) + sdkSuffix('AWSStepFunctions', 400));
  }
  const service = /^arn:aws:states:::(?:aws-sdk:)?([a-z0-9]+):/.exec(resource)?.[1] ?? 'States';
  return namedError(`${serviceErrorPrefix(service)}.AccessDeniedException`, accessDeniedMessage(refused, service === 's3'));
}

/**
 * Decides a call Step Functions makes with the role of `stateMachineArn`: undefined when allowed, else the error
 * the state fails with (the refusal is logged in the engine's `accessDenied`).
 */
export function stateMachineCallRefusal(iam: IamEngine, env: LocalEnvironment, stateMachineArn: string, call: StateMachineCall): Error | undefined {
  const checks = call.kind === 'describeExecution' ? syncExecutionChecks(call.executionArn)
    : call.kind === 'startChildren' ? distributedMapChildChecks(stateMachineArn)
      : taskChecks(call.resource, call.parameters, env, iam.policies.bucketKeys);
  const refused = iam.authorize(iam.callerFor(stateMachineArn), checks).find((decision) => !decision.allowed);
  return refused && refusalOf(call, refused);
}
