import { ArnFormat, Fn, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';

/**
 * What the ARN of each of `stateMachine`'s executions starts with:
 * `arn:<partition>:states:<region>:<account>:execution:<state machine name>:`. The name is the seventh
 * field of the state machine's ARN, known at deploy time only. A Distributed Map's child executions
 * (`execution:<state machine name>/<label>:<id>`) do not start with it.
 */
export function executionArnPrefix(stateMachine: sfn.IStateMachine): string {
  return Stack.of(stateMachine).formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${Fn.select(6, Fn.split(':', stateMachine.stateMachineArn))}:`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}
