/**
 * The payload sizes Lambda accepts for one invocation, and its answers past them. "The Lambda documentation,
 * log messages, and console use the abbreviation MB (rather than MiB) to refer to 1,024 KB"
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
 */

/** How a function is invoked: the caller waits for the result, or Lambda queues the event (S3, EventBridge). */
export type InvocationType = 'RequestResponse' | 'Event';

/**
 * "For synchronous invocations, the maximum payload size is 6 MB. For asynchronous invocations, the maximum
 * payload size is 1 MB" (https://docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html; asynchronous events were
 * limited to 256 KB until AWS raised it: https://aws.amazon.com/blogs/compute/more-room-to-build-serverless-services-now-support-payloads-up-to-1-mb).
 */
export const MAX_REQUEST_BYTES: Readonly<Record<InvocationType, number>> = { RequestResponse: 6 * 1024 * 1024, Event: 1024 * 1024 };

/**
 * A synchronous response may be 100 bytes more than a request: Lambda's own error quotes 6,291,556 bytes
 * (measured: https://zaccharles.medium.com/deep-dive-lambdas-response-payload-size-limit-8aedba9530ed). An
 * asynchronous invocation's response goes nowhere, so it is not limited.
 */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024 + 100;

/** An error of the Invoke API itself (the function does not run): its HTTP status and exception name. */
export class LambdaServiceError extends Error {
  constructor(readonly exception: string, readonly statusCode: number, message: string) {
    super(message);
    // Step Functions names a Lambda API error `Lambda.<exception>` (its Lambda task's error names).
    this.name = `Lambda.${exception}`;
  }
}

/**
 * The refusal of a request of `bytes` (the JSON the caller sends), or undefined when Lambda accepts it. The
 * messages are Lambda's, as measured: "Request must be smaller than 6291456 bytes for the InvokeFunction
 * operation" (https://zaccharles.medium.com/deep-dive-lambdas-request-payload-size-limit-2-2-6350c1ae5577), and
 * "<n> byte payload is too large for the Event invocation type (limit <limit> bytes)" (seen with the former
 * 262,144; assumed unchanged but for the limit).
 */
export function requestRefusal(bytes: number, type: InvocationType): LambdaServiceError | undefined {
  const limit = MAX_REQUEST_BYTES[type];
  if (bytes <= limit) return undefined;
  return new LambdaServiceError('RequestEntityTooLargeException', 413, type === 'Event'
    ? `${bytes} byte payload is too large for the Event invocation type (limit ${limit} bytes)`
    : `Request must be smaller than ${limit} bytes for the InvokeFunction operation`);
}

/**
 * The function error Lambda answers instead of a synchronous response of `bytes`, or undefined when it fits:
 * the invocation fails with `Function.ResponseSizeTooLarge` (HTTP 200, `X-Amz-Function-Error`), as measured at the page above.
 */
export function responseRefusal(bytes: number): { errorType: string; errorMessage: string } | undefined {
  if (bytes <= MAX_RESPONSE_BYTES) return undefined;
  return { errorType: 'Function.ResponseSizeTooLarge', errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).` };
}
