/**
 * Lambda's asynchronous invocation, as EventBridge (and S3, and the Invoke API's `Event` type) use it: Lambda
 * queues the event and answers at once; a separate process runs the function, retries a function error
 * `MaximumRetryAttempts` times (2 by default), and gives up an event that failed every attempt, or waited past
 * `MaximumEventAgeInSeconds` (6 hours by default), to the function's on-failure destination (an invocation
 * record) and its dead-letter queue (the event itself), if it has them
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
 *
 * Differences from AWS: Lambda waits one minute before the first retry and two before the second; locally each
 * wait is `retryIntervalMs`. Throttling is not modelled (an invocation waits for a container instead). Only SQS
 * destinations and dead-letter queues (the template's queues) are delivered to; another destination type is
 * recorded in `undelivered`. The role's permission to send is asked of the IAM engine (sqs:SendMessage only, not
 * the queue key's KMS actions); a record Lambda cannot send is dropped, as on AWS (`DestinationDeliveryFailures`).
 */
import { randomUUID } from 'node:crypto';
import { InvocationType, LambdaServiceError, requestRefusal } from './invocation-limits';
import { LambdaFunctionError, LambdaHost } from './lambda-host';
import { CancellableWaits } from '../shared/cancellable-waits';
import { InFlight } from '../shared/in-flight';
import { LocalQueues } from '../stand-ins/sqs-queues';

/** A function's asynchronous invocation settings: its `AWS::Lambda::EventInvokeConfig` and `DeadLetterConfig`. */
export interface AsyncInvokeConfig {
  /** @default 2 */
  readonly maximumRetryAttempts?: number;
  /** @default 21600 (6 hours) */
  readonly maximumEventAgeSeconds?: number;
  /** The on-failure destination's ARN. */
  readonly onFailure?: string;
  /** The on-success destination's ARN. */
  readonly onSuccess?: string;
  /** The function's dead-letter queue (`DeadLetterConfig.TargetArn`). */
  readonly deadLetterTargetArn?: string;
}

export interface AsyncInvocationsOptions {
  /** Each function's settings, by function name; a function without any has Lambda's defaults. */
  readonly configs: ReadonlyMap<string, AsyncInvokeConfig>;
  readonly queues: LocalQueues;
  readonly functionArn: (name: string) => string;
  /** Wait between two attempts of an event, in ms, instead of Lambda's one and two minutes. @default 25 */
  readonly retryIntervalMs?: number;
  /** Whether the function's role may send to a queue (sqs:SendMessage): IAM's message when it may not. @default - it may */
  readonly sendRefusal?: (functionName: string, queueArn: string) => string | undefined;
}

/** What became of an event Lambda accepted. */
export interface AsyncOutcome {
  readonly functionName: string;
  readonly requestId: string;
  readonly succeeded: boolean;
  /** Attempts made. */
  readonly attempts: number;
  /** Why the event was given up, when it was. */
  readonly condition?: 'RetriesExhausted' | 'EventAgeExceeded';
  /** The last attempt's result, or its error payload (`{ errorType, errorMessage, trace }`). */
  readonly response?: unknown;
  /** The last attempt's error, as the caller of a synchronous invocation would have seen it. */
  readonly error?: Error;
}

const DEFAULT_RETRIES = 2;
const DEFAULT_MAX_EVENT_AGE_SECONDS = 6 * 3600;

export class AsyncInvocations {
  /** Every event given up, in order (whether or not it reached a destination). */
  readonly failed: AsyncOutcome[] = [];
  /** Records and events that were not sent: a destination the local cloud does not deliver to, or one the role may not send to. */
  readonly undelivered: Array<{ readonly functionName: string; readonly destination: string; readonly reason: string }> = [];
  private readonly running = new InFlight();
  private closed = false;
  private readonly retryWaits = new CancellableWaits();

  constructor(private readonly host: Pick<LambdaHost, 'invoke' | 'resolveName'>, private readonly options: AsyncInvocationsOptions) {}

  /**
   * Queues an event for the function, as the Invoke API with `InvocationType: Event` does: rejects with
   * {@link LambdaServiceError} when Lambda refuses it (no such function, a payload over the asynchronous limit);
   * otherwise resolves once queued, with `outcome`, which settles when Lambda is done with the event.
   */
  accept(nameOrArn: string, event: unknown, requestBytes?: number): { outcome: Promise<AsyncOutcome> } {
    const functionName = this.host.resolveName(nameOrArn);
    if (!functionName) throw new LambdaServiceError('ResourceNotFoundException', 404, `Function not found: ${nameOrArn}`);
    const type: InvocationType = 'Event';
    const refusal = requestRefusal(requestBytes ?? Buffer.byteLength(JSON.stringify(event ?? null), 'utf8'), type);
    if (refusal) throw refusal;
    return { outcome: this.running.track(this.run(functionName, event, requestBytes)) };
  }

  /** Resolves once every event accepted so far (and those accepted meanwhile) is done with. */
  settle(): Promise<void> {
    return this.running.settled();
  }

  /** Retries nothing more, sends nothing more (when the local cloud closes); resolves once the events under way are done with. */
  async close(): Promise<void> {
    this.closed = true;
    this.retryWaits.wakeAll();
    await this.settle();
  }

  get size(): number {
    return this.running.size;
  }

  private async run(functionName: string, event: unknown, requestBytes: number | undefined): Promise<AsyncOutcome> {
    const config = this.options.configs.get(functionName) ?? {};
    const maxAttempts = 1 + (config.maximumRetryAttempts ?? DEFAULT_RETRIES);
    const maxAgeMs = 1000 * (config.maximumEventAgeSeconds ?? DEFAULT_MAX_EVENT_AGE_SECONDS);
    const requestId = randomUUID();
    const queuedAt = Date.now();
    // Queued: the function runs after the caller has its answer, as on AWS.
    await new Promise((resolve) => setImmediate(resolve));
    let attempts = 0;
    let lastError: Error | undefined;
    let condition: AsyncOutcome['condition'] = 'RetriesExhausted';
    while (attempts < maxAttempts) {
      if (this.closed) return { functionName, requestId, succeeded: false, attempts, error: lastError };
      if (Date.now() - queuedAt > maxAgeMs) {
        condition = 'EventAgeExceeded';
        break;
      }
      attempts++;
      try {
        const result = await this.host.invoke(functionName, event, 'Event', requestBytes);
        const outcome = { functionName, requestId, succeeded: true, attempts, response: result };
        if (config.onSuccess) this.sendRecord(functionName, config.onSuccess, event, outcome, 'Success');
        return outcome;
      } catch (error) {
        lastError = error as Error;
        if (this.closed) return { functionName, requestId, succeeded: false, attempts, error: lastError };
        if (attempts < maxAttempts) await this.retryWaits.wait(this.options.retryIntervalMs ?? 25);
      }
    }
    const response = lastError instanceof LambdaFunctionError
      ? lastError.payload
      : { errorType: lastError?.name ?? 'Unknown', errorMessage: lastError?.message ?? '' };
    const outcome: AsyncOutcome = { functionName, requestId, succeeded: false, attempts, condition, response, error: lastError };
    this.failed.push(outcome);
    if (config.onFailure) this.sendRecord(functionName, config.onFailure, event, outcome, condition);
    if (config.deadLetterTargetArn) {
      // A dead-letter queue gets the event itself; why it failed is in the message attributes.
      this.deliver(functionName, config.deadLetterTargetArn, JSON.stringify(event), {
        RequestID: requestId,
        ErrorCode: '200',
        ErrorMessage: (response as { errorMessage?: string }).errorMessage ?? '',
      });
    }
    return outcome;
  }

  /** The invocation record Lambda sends to a destination (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html). */
  private sendRecord(functionName: string, destination: string, event: unknown, outcome: AsyncOutcome, condition: string): void {
    const failed = !outcome.succeeded;
    const record = {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId: outcome.requestId,
        functionArn: `${this.options.functionArn(functionName)}:$LATEST`,
        condition,
        approximateInvokeCount: outcome.attempts,
      },
      requestPayload: event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', ...failed ? { functionError: 'Unhandled' } : {} },
      responsePayload: outcome.response ?? null,
    };
    this.deliver(functionName, destination, JSON.stringify(record));
  }

  private deliver(functionName: string, destination: string, body: string, attributes?: Record<string, string>): void {
    if (this.closed) return;
    if (!destination.startsWith('arn:aws:sqs:') || !this.options.queues.has(destination)) {
      this.undelivered.push({ functionName, destination, reason: 'not a queue of the template: not delivered locally' });
      return;
    }
    const refusal = this.options.sendRefusal?.(functionName, destination);
    if (refusal) {
      this.undelivered.push({ functionName, destination, reason: refusal });
      return;
    }
    this.options.queues.send(destination, { sender: `lambda:${functionName}`, body, attributes });
  }

}

/** Each function's asynchronous invocation settings, from the template's `AWS::Lambda::EventInvokeConfig`s and functions' `DeadLetterConfig`. */
export function asyncInvokeConfigsOf(
  resources: Record<string, { Type: string; Properties?: Record<string, any> }>,
  resolve: (value: unknown) => any,
): Map<string, AsyncInvokeConfig> {
  const configs = new Map<string, AsyncInvokeConfig>();
  const merge = (name: string, config: AsyncInvokeConfig) => configs.set(name, { ...configs.get(name), ...config });
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type === 'AWS::Lambda::Function' && resource.Properties?.DeadLetterConfig?.TargetArn) {
      merge(String(resolve({ Ref: id })), { deadLetterTargetArn: resolve(resource.Properties.DeadLetterConfig.TargetArn) });
    }
    if (resource.Type !== 'AWS::Lambda::EventInvokeConfig') continue;
    const props = resolve(resource.Properties ?? {});
    // Only the unqualified function's ($LATEST), which is what the local cloud invokes.
    if (props.Qualifier && props.Qualifier !== '$LATEST') continue;
    const name = String(props.FunctionName).startsWith('arn:') ? String(props.FunctionName).split(':')[6] : String(props.FunctionName);
    merge(name, {
      maximumRetryAttempts: props.MaximumRetryAttempts,
      maximumEventAgeSeconds: props.MaximumEventAgeInSeconds,
      onFailure: props.DestinationConfig?.OnFailure?.Destination,
      onSuccess: props.DestinationConfig?.OnSuccess?.Destination,
    });
  }
  return configs;
}
