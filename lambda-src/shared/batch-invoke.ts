/**
 * Invoking a user's function with one JSON batch of records (the Lambda validator and the Lambda
 * enricher). A user's function sees records and may quote them in its errors, and what goes wrong
 * here reaches the run summary, the email and the logs, which never hold record contents: a
 * failure is told by the function's name and the error's type only, never by its message or payload.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';

export interface BatchFunctionOptions {
  /** Name or ARN of the user's function. */
  readonly functionName: string;
  /** What the function is to the user, to begin every message: `validator function`. */
  readonly describedAs: string;
  /** The caller's own error (its class names the Step Functions error code) for a message. */
  readonly error: (message: string) => Error;
  readonly client: LambdaClient;
}

/** An error type as Lambda reports it (`TypeError`, `Sandbox.Timedout`); anything else is not a name and is not repeated. */
const errorTypeName = /^[A-Za-z_$][\w$.-]{0,99}$/;

/**
 * The error type of a function error's payload (`{ errorType, errorMessage, trace }`, see
 * https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html); the message and trace may quote
 * records, so they are left out.
 */
function errorTypeOf(payload: string): string {
  try {
    const errorType: unknown = JSON.parse(payload)?.errorType;
    return typeof errorType === 'string' && errorTypeName.test(errorType) ? errorType : 'unknown error';
  } catch {
    return 'unknown error';
  }
}

export interface InvokeOptions {
  /** Abandons the invocation (and the SDK's retries of it). @default - none */
  readonly abortSignal?: AbortSignal;
  /** The error to throw when `abortSignal` abandoned the invocation. @default - the caller's error, "could not be invoked" */
  readonly whenAborted?: () => Error;
}

/** A user's function that takes a JSON batch and answers JSON, synchronously (RequestResponse). */
export class BatchFunction {
  constructor(private readonly options: BatchFunctionOptions) {}

  /** Sends one batch and returns the parsed reply; throws the caller's error naming the function and only the kind of failure. */
  async invoke(batch: unknown, options: InvokeOptions = {}): Promise<unknown> {
    const { client, functionName } = this.options;
    let response;
    try {
      const invoke = new InvokeCommand({ FunctionName: functionName, Payload: JSON.stringify(batch) });
      response = await client.send(invoke, { abortSignal: options.abortSignal });
    } catch (error) {
      if (options.abortSignal?.aborted && options.whenAborted) throw options.whenAborted();
      // Service errors can quote the request (InvalidRequestContentException does): only the name is kept.
      throw this.failure(`could not be invoked: ${(error as Error).name}`);
    }
    const text = Buffer.from(response.Payload ?? []).toString('utf8');
    // Lambda sets FunctionError ("Handled" or "Unhandled") when the function failed; the payload is then its error.
    // https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_ResponseSyntax
    if (response.FunctionError !== undefined) throw this.failure(`failed: ${errorTypeOf(text)}`);
    try {
      return JSON.parse(text);
    } catch {
      // JSON.parse's own message quotes the text it could not read.
      throw this.malformed('the reply is not JSON');
    }
  }

  /** The caller's error for a reply that does not keep the contract; `why` must not quote the reply. */
  malformed(why: string): Error {
    return this.failure(`returned a malformed reply: ${why}`);
  }

  private failure(what: string): Error {
    return this.options.error(`${this.options.describedAs} ${this.options.functionName} ${what}`);
  }
}
