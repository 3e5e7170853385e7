/**
 * The EventBridge rules and buses a template declares, as the local EventBridge (local/engine/event-bridge.ts) runs
 * them: read here, with the rest of the assembly, so that the engine depends on the template and not the reverse.
 */

/** An event pattern as the template declares it (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html). */
export type EventPattern = { readonly [field: string]: EventPattern | readonly unknown[] };

/** One target of a rule, as the template declares it. */
export interface LocalRuleTarget {
  readonly id: string;
  readonly arn: string;
  /** 1 + RetryPolicy.MaximumRetryAttempts (EventBridge's default is 185 retries). */
  readonly maxAttempts: number;
  readonly deadLetterQueueArn?: string;
}

export interface LocalRule {
  readonly name: string;
  readonly arn: string;
  /** The bus name (`default` when the rule names none). */
  readonly eventBusName: string;
  readonly pattern: EventPattern;
  readonly enabled: boolean;
  readonly targets: readonly LocalRuleTarget[];
}

const DEFAULT_MAX_ATTEMPTS = 186;

/** `my-bus` or `arn:aws:events:…:event-bus/my-bus` → `my-bus`. */
export function eventBusNameOf(nameOrArn: string | undefined): string {
  if (!nameOrArn) return 'default';
  const slash = nameOrArn.lastIndexOf('event-bus/');
  return slash >= 0 ? nameOrArn.slice(slash + 'event-bus/'.length) : nameOrArn;
}

/** The rules of a template (tokens resolved), as the local EventBridge runs them. */
export function rulesOf(
  resources: Record<string, { Type: string; Properties?: Record<string, any> }>,
  resolve: (value: unknown) => any,
): LocalRule[] {
  return Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Events::Rule' && r.Properties?.EventPattern).map(([id, r]) => {
    const props = resolve(r.Properties);
    return {
      name: props.Name ?? id,
      arn: resolve({ 'Fn::GetAtt': [id, 'Arn'] }),
      eventBusName: eventBusNameOf(props.EventBusName),
      pattern: props.EventPattern,
      enabled: (props.State ?? 'ENABLED') === 'ENABLED',
      targets: (props.Targets ?? []).map((t: any) => ({
        id: t.Id,
        arn: t.Arn,
        maxAttempts: 1 + (t.RetryPolicy?.MaximumRetryAttempts ?? DEFAULT_MAX_ATTEMPTS - 1),
        deadLetterQueueArn: t.DeadLetterConfig?.Arn,
      })),
    };
  });
}

/** The event buses of a template: the account's default bus and each `AWS::Events::EventBus`. */
export function eventBusesOf(
  resources: Record<string, { Type: string; Properties?: Record<string, any> }>,
  resolve: (value: unknown) => any,
): string[] {
  const declared = Object.values(resources).filter((r) => r.Type === 'AWS::Events::EventBus').map((r) => String(resolve(r.Properties?.Name)));
  return ['default', ...declared];
}
