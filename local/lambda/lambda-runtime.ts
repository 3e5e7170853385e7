/**
 * The runtime inside each local Lambda container (a worker thread): it loads the function's bundle
 * once, as Lambda's init phase does, then calls its handler for each invocation message with a
 * Lambda context, and answers with the result or with the error as Lambda reports it
 * (`errorType` = the error's name; https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html).
 * Run by local/lambda/lambda-host.ts through `workerScript`; nothing here may import other modules of local/.
 */
import { pathToFileURL } from 'node:url';
import { MessagePort, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { namedError } from '../shared/named-error';

/** What the host tells the container about its function. */
export interface ContainerData {
  readonly entry: string;
  readonly handlerExport: string;
  readonly name: string;
  readonly arn: string;
  readonly memoryMb: number;
}

/** One invocation, as the host sends it. */
export interface InvocationMessage {
  readonly id: string;
  readonly event: unknown;
  /** Epoch milliseconds at which the function times out. */
  readonly deadline: number;
  readonly requestId: string;
}

export type Handler = (event: unknown, context: Record<string, unknown>) => Promise<unknown>;

/** The Lambda context object of an invocation (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html). */
export function contextOf(data: ContainerData, message: InvocationMessage): Record<string, unknown> {
  return {
    functionName: data.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: data.arn,
    memoryLimitInMB: String(data.memoryMb),
    awsRequestId: message.requestId,
    logGroupName: `/aws/lambda/${data.name}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
  };
}

/** Answers each invocation message on `port` with the handler's result or its error. */
export function serveInvocations(port: MessagePort, handler: Handler, data: ContainerData): void {
  port.on('message', async (message: InvocationMessage) => {
    try {
      const result = (await handler(message.event, contextOf(data, message))) ?? null;
      // The runtime sends Lambda the result's JSON, which Lambda measures against its response limit.
      port.postMessage({ id: message.id, ok: true, result, bytes: Buffer.byteLength(JSON.stringify(result), 'utf8') });
    } catch (thrown) {
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      port.postMessage({
        id: message.id,
        ok: false,
        error: { errorType: error.name || 'Error', errorMessage: error.message, trace: String(error.stack ?? '').split('\n') },
      });
    }
  });
}

/**
 * Loads the handler as Lambda's Node.js runtime does: a `.mjs` file (or a `.js` file in a `"type": "module"`
 * package) as an ES module, a `.js` or `.cjs` file as CommonJS
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html#designate-es-module).
 */
export async function loadHandler(entry: string, handlerExport: string): Promise<Handler> {
  let module: Record<string, unknown>;
  if (entry.endsWith('.mjs')) {
    module = await import(pathToFileURL(entry).href);
  } else {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      module = require(entry);
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_REQUIRE_ESM') throw error;
      module = await import(pathToFileURL(entry).href);
    }
  }
  const handler = module[handlerExport];
  if (typeof handler !== 'function') {
    throw namedError('Runtime.HandlerNotFound', `${handlerExport} is undefined or not exported by ${entry}`);
  }
  return handler as Handler;
}

if (!isMainThread && parentPort) {
  const data = workerData as ContainerData;
  const port = parentPort;
  loadHandler(data.entry, data.handlerExport).then(
    (handler) => {
      port.postMessage({ ready: true });
      serveInvocations(port, handler, data);
    },
    // An init error ends the container, as it ends Lambda's runtime: thrown outside the promise, it reaches the host.
    (error) => setImmediate(() => { throw error; }),
  );
}
