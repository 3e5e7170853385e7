import { Construct } from 'constructs';
import { deliverStatusChanges, StatusChangeDelivery, StatusChangeTarget } from './status-change-delivery';

/** The execution statuses that end a run without success; a redrive can resume each of them. */
export const UNSUCCESSFUL_RUN_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'];

/**
 * Reports every run that ends without success from the execution's own status change, with the error and
 * cause of DescribeExecution: the rule on the orchestrator's status changes to FAILED, TIMED_OUT or ABORTED
 * sends them to notify, and what was not reported is kept. An alarm on the orchestrator's failed executions
 * backs it up, as the events are delivered on a best-effort basis.
 */
export function reportRunFailures(scope: Construct, target: StatusChangeTarget): StatusChangeDelivery {
  return deliverStatusChanges(scope, {
    ...target,
    statuses: UNSUCCESSFUL_RUN_STATUSES,
    ruleId: 'RunFailedRule',
    description: 'Reports a batch run that failed, timed out or was aborted',
    deadLetterQueueId: 'FailureReportDeadLetterQueue',
  });
}
