/**
 * Lambda's asynchronous invocation, as EventBridge (and S3, and the Invoke API's `Event` type) use it: Lambda
 * queues the event and answers at once; a separate process runs the function, retries a function error
 * `MaximumRetryAttempts` times (2 by default), and gives up an event that failed every attempt, or waited past
 * `MaximumEventAgeInSeconds` (6 hours by default), to the function's on-failure destination (an invocation
 * record) and its dead-letter queue (the event itself), if it has them
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
 *
 * An attempt Lambda's concurrency refuses (429, `./concurrency-quota.ts`) does not count against
 * `MaximumRetryAttempts`: the event goes back to the queue and is tried again, the wait growing from one second after
 * the first throttle to five minutes, until it runs or is older than `MaximumEventAgeInSeconds`.
 *
 * Differences from AWS: the waits are shortened. Lambda waits one minute before the first retry of a function error
 * and two before the second; locally each is `retryIntervalMs`. A throttle's wait is `retryIntervalMs` for each of
 * Lambda's seconds (25 ms to 7.5 s by default). The event's age is the time it took here with each wait counted as
 * long as Lambda's, so an event is given up after the attempts Lambda would make within its maximum age; but the
 * invocations it waits for run in real time, so an event throttled for long ages faster than on AWS (by up to
 * 1000 / `retryIntervalMs` times). Lambda's longer waits when its queue is long are not modelled. Only SQS
 * destinations and dead-letter queues (the template's queues) are delivered to; another destination type is
 * recorded in `undelivered`. The role's permission to send is asked of the IAM engine (sqs:SendMessage only, not
 * the queue key's KMS actions); a record Lambda cannot send is dropped, as on AWS (`DestinationDeliveryFailures`).
 */
import { randomUUID } from 'node:crypto';
import { TooManyRequests } from './concurrency-quota';
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
  /**
   * Wait between two attempts of an event, in ms, instead of Lambda's one and two minutes; after a throttle, this
   * for each second Lambda would wait. @default 25
   */
  readonly retryIntervalMs?: number;
  /** Whether the function's role may send to a queue (sqs:SendMessage): IAM's message when it may not. @default - it may */
  readonly sendRefusal?: (functionName: string, queueArn: string) => string | undefined;
}

/** What became of an event Lambda accepted. */
export interface AsyncOutcome {
  readonly functionName: string;
  readonly requestId: string;
  readonly succeeded: boolean;
  /** Attempts that ran the function. */
  readonly attempts: number;
  /** Attempts Lambda's concurrency refused (429), which are retried without counting against `MaximumRetryAttempts`. */
  readonly throttles: number;
  /** Why the event was given up, when it was. */
  readonly condition?: 'RetriesExhausted' | 'EventAgeExceeded';
  /** The last attempt's result, or its error payload (`{ errorType, errorMessage, trace }`). */
  readonly response?: unknown;
  /** The last attempt's error, as the caller of a synchronous invocation would have seen it. */
  readonly error?: Error;
}

const DEFAULT_RETRIES = 2;
const DEFAULT_MAX_EVENT_AGE_SECONDS = 6 * 3600;
/** Lambda's waits before the first and the second retry of a function error. */
const LAMBDA_RETRY_WAITS_MS = [60_000, 120_000];
/** The longest wait after a throttle, in Lambda's seconds. */
const MAX_THROTTLE_WAIT_SECONDS = 300;

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
    const retryIntervalMs = this.options.retryIntervalMs ?? 25;
    // The event's age as on AWS: the time taken here, each wait counted as long as Lambda's.
    const queuedAt = Date.now();
    let waitsShortenedByMs = 0;
    const waitAsLambda = async (localMs: number, lambdaMs: number) => {
      await this.retryWaits.wait(localMs);
      waitsShortenedByMs += lambdaMs - localMs;
    };
    // Queued: the function runs after the caller has its answer, as on AWS.
    await new Promise((resolve) => setImmediate(resolve));
    let attempts = 0;
    let throttles = 0;
    let lastError: Error | undefined;
    let condition: AsyncOutcome['condition'] = 'RetriesExhausted';
    while (attempts < maxAttempts) {
      if (this.closed) return { functionName, requestId, succeeded: false, attempts, throttles, error: lastError };
      if (Date.now() - queuedAt + waitsShortenedByMs > maxAgeMs) {
        condition = 'EventAgeExceeded';
        break;
      }
      try {
        const result = await this.host.invoke(functionName, event, 'Event', requestBytes);
        const outcome = { functionName, requestId, succeeded: true, attempts: attempts + 1, throttles, response: result };
        if (config.onSuccess) this.sendRecord(functionName, config.onSuccess, event, outcome, 'Success');
        return outcome;
      } catch (error) {
        lastError = error as Error;
        const throttled = error instanceof TooManyRequests;
        if (throttled) throttles++;
        else attempts++;
        if (this.closed) return { functionName, requestId, succeeded: false, attempts, throttles, error: lastError };
        if (throttled) {
          const seconds = Math.min(2 ** (throttles - 1), MAX_THROTTLE_WAIT_SECONDS);
          await waitAsLambda(seconds * retryIntervalMs, seconds * 1000);
        } else if (attempts < maxAttempts) {
          await waitAsLambda(retryIntervalMs, LAMBDA_RETRY_WAITS_MS[attempts - 1]);
        }
      }
    }
    const response = lastError instanceof LambdaFunctionError
      ? lastError.payload
      : { errorType: lastError?.name ?? 'Unknown', errorMessage: lastError?.message ?? '' };
    const outcome: AsyncOutcome = { functionName, requestId, succeeded: false, attempts, throttles, condition, response, error: lastError };
    this.failed.push(outcome);
    if (config.onFailure) this.sendRecord(functionName, config.onFailure, event, outcome, condition);
    if (config.deadLetterTargetArn) {
      // A dead-letter queue gets the event itself; why it failed is in the message attributes.
      this.deliver(functionName, config.deadLetterTargetArn, JSON.stringify(event), {
        RequestID: requestId,
        ErrorCode: String(statusOf(outcome)),
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
      responseContext: {
        statusCode: statusOf(outcome),
        executedVersion: '$LATEST',
        ...failed && outcome.error instanceof LambdaFunctionError ? { functionError: 'Unhandled' } : {},
      },
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

/**
 * The HTTP status of the event's last attempt: 200 when the function ran (its error is a function error), Lambda's own
 * when it refused the attempt (429 for a throttle; assumed to be what Lambda reports as the `ErrorCode`, "the 3-digit
 * HTTP response code", https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
 */
function statusOf(outcome: AsyncOutcome): number {
  return outcome.error instanceof LambdaServiceError ? outcome.error.statusCode : 200;
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
