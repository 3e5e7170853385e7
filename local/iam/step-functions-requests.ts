/**
 * Step Functions calls (AWS JSON 1.0, `X-Amz-Target: AWSStepFunctions.<Operation>`) → `states:<Operation>` on
 * the state machine, execution or Map Run the call names
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html).
 */
import { AuthorizationCheck } from './policy-evaluation';
import { header, HttpRequest, jsonBody, UnmappedRequestError } from '../shared/http-request';

/** The request field naming each operation's resource; operations not listed have no resource-level permissions. */
const RESOURCE_FIELDS: Record<string, string> = {
  StartExecution: 'stateMachineArn',
  StartSyncExecution: 'stateMachineArn',
  DescribeStateMachine: 'stateMachineArn',
  ListExecutions: 'stateMachineArn',
  UpdateStateMachine: 'stateMachineArn',
  DeleteStateMachine: 'stateMachineArn',
  DescribeExecution: 'executionArn',
  StopExecution: 'executionArn',
  RedriveExecution: 'executionArn',
  GetExecutionHistory: 'executionArn',
  DescribeStateMachineForExecution: 'executionArn',
  DescribeMapRun: 'mapRunArn',
  UpdateMapRun: 'mapRunArn',
};
const UNSCOPED = new Set(['ListStateMachines', 'ListActivities', 'SendTaskSuccess', 'SendTaskFailure', 'SendTaskHeartbeat', 'ValidateStateMachineDefinition']);

/** The checks Step Functions makes for `operation` with `input`. */
export function stepFunctionsChecks(operation: string, input: Record<string, any>): AuthorizationCheck[] {
  if (UNSCOPED.has(operation)) return [{ action: `states:${operation}`, resource: '*' }];
  const field = RESOURCE_FIELDS[operation];
  if (!field || typeof input[field] !== 'string') throw new Error(`local IAM: Step Functions ${operation} is not mapped to IAM actions`);
  return [{ action: `states:${operation}`, resource: input[field] }];
}

export function stepFunctionsChecksOfRequest(request: HttpRequest): AuthorizationCheck[] {
  const [prefix, operation] = (header(request, 'x-amz-target') ?? '').split('.');
  if (prefix !== 'AWSStepFunctions' || !operation) throw new UnmappedRequestError(request, 'no AWSStepFunctions.* X-Amz-Target');
  return stepFunctionsChecks(operation, jsonBody(request));
}
