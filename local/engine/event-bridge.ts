/**
 * A local EventBridge: the event buses and rules of the synthesized template. Events put on a
 * bus (PutEvents from the handlers, and the status changes of Standard executions, which Step
 * Functions sends to the default bus) are matched against the rules of that bus, and each
 * matching rule's Lambda targets are invoked asynchronously, retried up to the target's
 * RetryPolicy, and kept in the target's dead-letter record (and queue) when every attempt failed. A Lambda
 * target is invoked asynchronously: its delivery succeeds once Lambda has queued the event, and an error of the
 * function is Lambda's to retry and give up (local/lambda/async-invocation.ts), not EventBridge's.
 *
 * Differences from AWS: retries wait `retryIntervalMs` instead of EventBridge's backoff; targets
 * other than Lambda functions are recorded but not delivered; input transformers are not applied.
 */
import { randomUUID } from 'node:crypto';
import { matchesPattern } from './event-pattern';
import { CancellableWaits } from '../shared/cancellable-waits';
import { eventBusNameOf, LocalRule, LocalRuleTarget } from '../template/event-rules';

/** An event as EventBridge delivers it to a target. */
export interface BusEvent {
  readonly 'version': '0';
  readonly 'id': string;
  readonly 'detail-type': string;
  readonly 'source': string;
  readonly 'account': string;
  readonly 'time': string;
  readonly 'region': string;
  readonly 'resources': string[];
  readonly 'detail': unknown;
}

/** A delivery that failed every attempt. */
export interface DeadLetter {
  readonly rule: string;
  readonly target: string;
  readonly deadLetterQueueArn?: string;
  readonly event: BusEvent;
  readonly error: string;
}

export interface LocalEventBridgeOptions {
  readonly region: string;
  readonly account: string;
  /** Wait between two attempts of a delivery. @default 25 */
  readonly retryIntervalMs?: number;
  /**
   * Invokes a Lambda target of `rule` (asynchronously, as EventBridge does): rejects when the function fails,
   * with {@link DeliveryRefused} when the function's policy does not let the rule invoke it.
   */
  invokeFunction(functionArn: string, event: BusEvent, rule: LocalRule): Promise<unknown>;
  /**
   * Sends an event that failed every attempt to the target's dead-letter queue: the event is the message body, the
   * attributes say why (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html). @default - kept in `deadLetters` only
   */
  sendToDeadLetterQueue?(queueArn: string, event: BusEvent, attributes: Record<string, string>): void;
}

export interface PutEventsEntry {
  readonly Source?: string;
  readonly DetailType?: string;
  readonly Detail?: string;
  readonly EventBusName?: string;
  readonly Resources?: string[];
  readonly Time?: Date | string | number;
}

/** PutEvents' answer for an entry it refused: the entry fails, not the request. */
export class EventBusNotFound extends Error {
  constructor(eventBusName: string) {
    super(`Event bus ${eventBusName} does not exist.`);
    this.name = 'ResourceNotFoundException';
  }
}

/**
 * A delivery the target refuses (its resource policy does not allow the rule): EventBridge does not retry it but
 * sends the event to the dead-letter queue at once, with error code NO_PERMISSIONS
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html).
 */
export class DeliveryRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NO_PERMISSIONS';
  }
}

export class LocalEventBridge {
  /** Every event put on a bus, in order. */
  readonly events: Array<{ readonly eventBusName: string; readonly event: BusEvent }> = [];
  readonly deadLetters: DeadLetter[] = [];
  /** Targets that matched but that the local EventBridge does not deliver to (not Lambda functions). */
  readonly undelivered: Array<{ readonly rule: string; readonly target: string }> = [];
  private readonly deliveries = new Set<Promise<void>>();
  /** Set by close(): events are still recorded, but none is delivered or retried any more. */
  private closed = false;
  /** Wakes the deliveries waiting to retry, when close() ends them. */
  private readonly retryWaits = new CancellableWaits();

  private readonly buses: ReadonlySet<string>;

  constructor(private readonly rules: readonly LocalRule[], buses: readonly string[], private readonly options: LocalEventBridgeOptions) {
    this.buses = new Set(buses);
  }

  /**
   * Puts one event on a bus and starts delivering it to the targets of the matching rules.
   * Throws {@link EventBusNotFound} for a bus that does not exist.
   */
  put(eventBusName: string, entry: PutEventsEntry): BusEvent {
    const bus = eventBusNameOf(eventBusName);
    if (!this.buses.has(bus)) throw new EventBusNotFound(bus);
    const event: BusEvent = {
      'version': '0',
      'id': randomUUID(),
      'detail-type': entry.DetailType ?? '',
      'source': entry.Source ?? '',
      'account': this.options.account,
      'time': new Date(entry.Time ?? Date.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      'region': this.options.region,
      'resources': entry.Resources ?? [],
      'detail': JSON.parse(entry.Detail ?? '{}'),
    };
    this.events.push({ eventBusName: bus, event });
    if (this.closed) return event;
    for (const rule of this.rules) {
      if (!rule.enabled || rule.eventBusName !== bus || !matchesPattern(rule.pattern, event)) continue;
      for (const target of rule.targets) {
        if (!target.arn.startsWith('arn:aws:lambda:')) {
          this.undelivered.push({ rule: rule.name, target: target.id });
          continue;
        }
        const delivery = this.deliver(rule, target, event).finally(() => this.deliveries.delete(delivery));
        this.deliveries.add(delivery);
      }
    }
    return event;
  }

  /** Deliveries under way. */
  get pending(): number {
    return this.deliveries.size;
  }

  /** Resolves once every delivery started so far (and those they started) has ended. */
  async settle(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.all([...this.deliveries]);
  }

  /**
   * Delivers nothing more (when the local cloud closes): no delivery starts or is retried; resolves once those
   * under way have ended (an invocation in flight until the Lambda host ends it). Events are still recorded.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.retryWaits.wakeAll();
    await this.settle();
  }


  private async deliver(rule: LocalRule, target: LocalRuleTarget, event: BusEvent): Promise<void> {
    let lastError = '';
    let attempt = 1;
    let code = '';
    let message = '';
    for (; attempt <= target.maxAttempts; attempt++) {
      // Closed: the delivery ends where it is, neither delivered nor a dead letter.
      if (this.closed) return;
      try {
        await this.options.invokeFunction(target.arn, event, rule);
        return;
      } catch (error) {
        code = (error as Error).name;
        message = (error as Error).message;
        lastError = `${code}: ${message}`;
        if (error instanceof DeliveryRefused) break;
        if (attempt < target.maxAttempts) await this.retryWaits.wait(this.options.retryIntervalMs ?? 25);
      }
    }
    if (this.closed) return;
    this.deadLetters.push({ rule: rule.name, target: target.id, deadLetterQueueArn: target.deadLetterQueueArn, event, error: lastError });
    if (target.deadLetterQueueArn) {
      const refused = code === 'NO_PERMISSIONS';
      this.options.sendToDeadLetterQueue?.(target.deadLetterQueueArn, event, {
        RULE_ARN: rule.arn,
        TARGET_ARN: target.arn,
        ERROR_CODE: code,
        ERROR_MESSAGE: message,
        ...refused ? {} : { EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts', RETRY_ATTEMPTS: String(Math.min(attempt, target.maxAttempts) - 1) },
      });
    }
  }
}

/** The "Step Functions Execution Status Change" event of an execution (https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html). */
export function executionStatusChange(record: {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: string;
  startDate: Date;
  stopDate?: Date;
  input: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  redriveCount: number;
}): PutEventsEntry {
  return {
    Source: 'aws.states',
    DetailType: 'Step Functions Execution Status Change',
    Resources: [record.executionArn],
    Detail: JSON.stringify({
      executionArn: record.executionArn,
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      status: record.status,
      startDate: record.startDate.getTime(),
      stopDate: record.stopDate?.getTime() ?? null,
      input: JSON.stringify(record.input),
      inputDetails: { included: true },
      output: record.status === 'SUCCEEDED' ? JSON.stringify(record.output ?? null) : null,
      outputDetails: record.status === 'SUCCEEDED' ? { included: true } : null,
      error: record.error ?? null,
      cause: record.cause ?? null,
      redriveCount: record.redriveCount,
    }),
  };
}
