/**
 * What a state machine's role must be allowed for the calls Step Functions makes on its behalf: a Task's
 * service integration, a Distributed Map's ItemReader/ResultWriter, and its child executions.
 * - `lambda:invoke` and Lambda ARNs: `lambda:InvokeFunction` on the function
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html);
 * - `states:startExecution[.sync[:2]]`: `states:StartExecution` on the state machine, then for `.sync`
 *   `states:DescribeExecution` on the execution it started (`syncExecutionChecks`)
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/stepfunctions-iam.html);
 * - `aws-sdk:<service>:<action>` and optimised `s3:`/`dynamodb:` integrations: the IAM actions of that API
 *   call, as if the role made it itself (`aws-sdk:s3:copyObject` → `s3:GetObject` on the source and
 *   `s3:PutObject` on the target) (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html);
 * - a Distributed Map starts its children as executions of its own state machine: `states:StartExecution` on it
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html).
 */
import { dynamodbChecks } from './dynamodb-requests';
import { functionArnOf } from './lambda-requests';
import { AuthorizationCheck } from './policy-evaluation';
import { s3CallChecks, s3CallOfSdk } from './s3-requests';
import { stepFunctionsChecks } from './step-functions-requests';
import { LocalEnvironment } from '../template/token-resolver';

const pascal = (action: string) => action.charAt(0).toUpperCase() + action.slice(1);

/**
 * The checks for one Task (or ItemReader/ResultWriter) `resource` with its evaluated `parameters`.
 * `bucketKeys` (from `TemplatePolicies`) adds the KMS checks of SSE-KMS buckets.
 */
export function taskChecks(
  resource: string, parameters: Record<string, any>, env: LocalEnvironment, bucketKeys?: ReadonlyMap<string, string>,
): AuthorizationCheck[] {
  if (/^arn:aws:lambda:/.test(resource)) return [{ action: 'lambda:InvokeFunction', resource: functionArnOf(resource, env) }];
  const integration = /^arn:aws:states:::(?:aws-sdk:)?([a-z0-9]+):([A-Za-z0-9]+)(?:\.(?:sync(?::2)?|waitForTaskToken))?$/.exec(resource);
  if (!integration) throw new Error(`local IAM: Task resource ${resource} is not mapped to IAM actions`);
  const [, service, action] = integration;
  switch (service) {
    case 'lambda':
      if (action !== 'invoke') break;
      return [{ action: 'lambda:InvokeFunction', resource: functionArnOf(String(parameters.FunctionName), env, parameters.Qualifier) }];
    case 'states':
    case 'sfn':
      return stepFunctionsChecks(pascal(action), { stateMachineArn: parameters.StateMachineArn, executionArn: parameters.ExecutionArn });
    case 's3':
      return s3CallChecks(s3CallOfSdk(action, parameters), bucketKeys);
    case 'dynamodb':
      return dynamodbChecks(pascal(action), parameters, env);
    default:
      break;
  }
  throw new Error(`local IAM: Task resource ${resource} is not mapped to IAM actions`);
}

/** What a `.sync` integration does after starting the child: it follows the execution. */
export function syncExecutionChecks(executionArn: string): AuthorizationCheck[] {
  return [{ action: 'states:DescribeExecution', resource: executionArn }];
}

/** A Distributed Map starting its child executions. */
export function distributedMapChildChecks(stateMachineArn: string): AuthorizationCheck[] {
  return [{ action: 'states:StartExecution', resource: stateMachineArn }];
}
