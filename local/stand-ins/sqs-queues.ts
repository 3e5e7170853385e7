/**
 * The template's SQS queues, as the local cloud keeps what is sent to them: in memory, in order, each message with
 * its body and message attributes. Only sending is modelled: the local cloud's own senders (EventBridge's
 * dead-letter queues, Lambda's on-failure destinations and dead-letter queues) call {@link LocalQueues.send};
 * there is no SQS endpoint for the handlers, and nothing receives or deletes a message. A run's result lists
 * the messages (`queueMessages`), which is what an operator would find in the queue.
 */
import { randomUUID } from 'node:crypto';

/** One message as it waits in a queue. */
export interface QueueMessage {
  /** The queue's construct path, e.g. `OrdersPipeline/Processor/FailureReportDeadLetterQueue`, or its logical id. */
  readonly queue: string;
  readonly queueArn: string;
  readonly messageId: string;
  /** Who sent it: `events.amazonaws.com` (a rule target's dead-letter queue) or `lambda:<function name>`. */
  readonly sender: string;
  readonly body: string;
  /** The message attributes, as strings (SQS's `StringValue`s). */
  readonly attributes: Readonly<Record<string, string>>;
  /** When it was sent, in epoch ms. */
  readonly sentAt: number;
}

/** A queue the template declares: its ARN (tokens resolved) and a name to show. */
export interface LocalQueue {
  readonly arn: string;
  readonly name: string;
}

/** Sending to an ARN that is no queue of the template (an imported queue): SQS would answer this. */
export class NonExistentQueue extends Error {
  constructor(arn: string) {
    super(`The specified queue does not exist: ${arn}`);
    this.name = 'AWS.SimpleQueueService.NonExistentQueue';
  }
}

export class LocalQueues {
  /** Every message sent, in order, over all queues. */
  readonly messages: QueueMessage[] = [];
  private readonly byArn: ReadonlyMap<string, LocalQueue>;

  constructor(queues: readonly LocalQueue[]) {
    this.byArn = new Map(queues.map((queue) => [queue.arn, queue]));
  }

  has(arn: string): boolean {
    return this.byArn.has(arn);
  }

  /** Keeps a message in the queue of `arn`; throws {@link NonExistentQueue} for an ARN of no queue of the template. */
  send(arn: string, message: { sender: string; body: string; attributes?: Record<string, string> }): QueueMessage {
    const queue = this.byArn.get(arn);
    if (!queue) throw new NonExistentQueue(arn);
    const sent: QueueMessage = {
      queue: queue.name,
      queueArn: arn,
      messageId: randomUUID(),
      sender: message.sender,
      body: message.body,
      attributes: message.attributes ?? {},
      sentAt: Date.now(),
    };
    this.messages.push(sent);
    return sent;
  }
}

/** The `AWS::SQS::Queue` resources of a template, named by construct path where the template's metadata has it. */
export function queuesOf(
  resources: Record<string, { Type: string; Properties?: Record<string, any>; Metadata?: Record<string, any> }>,
  resolve: (value: unknown) => any,
): LocalQueue[] {
  return Object.entries(resources).filter(([, r]) => r.Type === 'AWS::SQS::Queue').map(([id, r]) => ({
    arn: resolve({ 'Fn::GetAtt': [id, 'Arn'] }),
    name: String(r.Metadata?.['aws:cdk:path'] ?? id).replace(/\/Resource$/, ''),
  }));
}
