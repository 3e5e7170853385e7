/**
 * EventBridge PutEvents (AWS JSON 1.1, `X-Amz-Target: AWSEvents.PutEvents`) → `events:PutEvents` on the bus of
 * each entry (`arn:aws:events:<region>:<account>:event-bus/<name>`, the default bus when the entry names none),
 * with the entry's `events:source` and `events:detail-type` as condition keys
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html).
 * Entries on the same bus with the same keys are one check.
 */
import { AuthorizationCheck } from './policy-evaluation';
import { header, HttpRequest, jsonBody, UnmappedRequestError } from '../shared/http-request';
import { LocalEnvironment } from '../template/token-resolver';

/** A bus named by name or ARN, as its ARN. */
export function eventBusArnOf(nameOrArn: string | undefined, env: LocalEnvironment): string {
  if (nameOrArn?.startsWith('arn:')) return nameOrArn;
  return `arn:aws:events:${env.region}:${env.account}:event-bus/${nameOrArn || 'default'}`;
}

export function eventsChecksOfRequest(request: HttpRequest, env: LocalEnvironment): AuthorizationCheck[] {
  const [prefix, operation] = (header(request, 'x-amz-target') ?? '').split('.');
  if (prefix !== 'AWSEvents' || operation !== 'PutEvents') throw new UnmappedRequestError(request, 'only EventBridge PutEvents is mapped');
  const entries: Array<{ EventBusName?: string; Source?: string; DetailType?: string }> = jsonBody(request).Entries ?? [];
  const checks = new Map<string, AuthorizationCheck>();
  for (const entry of entries) {
    const context = { 'events:source': String(entry.Source ?? ''), 'events:detail-type': String(entry.DetailType ?? '') };
    const check = { action: 'events:PutEvents', resource: eventBusArnOf(entry.EventBusName, env), context };
    checks.set(JSON.stringify(check), check);
  }
  return [...checks.values()];
}
