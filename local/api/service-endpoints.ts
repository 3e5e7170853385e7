import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { LocalEventBridge } from '../engine/event-bridge';
import { LocalStepFunctions } from '../engine/step-functions';
import { AsyncInvocations } from '../lambda/async-invocation';
import { TooManyRequests } from '../lambda/concurrency-quota';
import { LambdaServiceError, requestRefusal } from '../lambda/invocation-limits';
import { LambdaFunctionError, LambdaHost } from '../lambda/lambda-host';
import { readBody } from '../shared/http-request';
import { LocalRestApi } from '../template/cloud-assembly';
import { matchResourcePath } from '../template/resource-paths';

/**
 * The AWS APIs the handlers call that no stand-in provides, served on one loopback port:
 * - Step Functions `StartExecution`, `DescribeExecution`, `StopExecution`, `RedriveExecution` and
 *   `GetExecutionHistory` (AWS JSON 1.0, `X-Amz-Target: AWSStepFunctions.*`),
 * - EventBridge `PutEvents` (AWS JSON 1.1, `X-Amz-Target: AWSEvents.PutEvents`),
 * - the Lambda Invoke API (`POST /2015-03-31/functions/{name}/invocations`),
 * - the REST APIs of the stack, as API Gateway proxy events (`/{stage}/{path}` → the integrated function).
 * Authentication and authorization are a gate in front of this server (`../iam/stand-in-gates.ts`); what is
 * decided here is API Gateway's own permission to invoke an integration.
 */
export interface ServiceEndpoints {
  readonly url: string;
  /** The HTTP server (for the IAM gate). */
  readonly server: Server;
  /** REST API requests served (billed by API Gateway). */
  readonly apiRequests: () => number;
  /** Binds the services once they exist (the endpoint URL is needed to build them). */
  bind(services: {
    lambda: LambdaHost;
    /** Lambda's asynchronous invocations: the Invoke API's `Event` type queues its event there. */
    asyncInvocations: AsyncInvocations;
    stepFunctions: LocalStepFunctions;
    eventBridge: LocalEventBridge;
    restApis: LocalRestApi[];
    /** Share of REST API requests answered 503 (fault injection). */
    faultRate?: number;
    random?: () => number;
    /**
     * Whether the function's policy refuses API Gateway the invocation of a method's integration (`sourceArn`:
     * the method's execute-api ARN). Refused, API Gateway answers 500. @default - never refused
     */
    integrationRefused?(functionName: string, sourceArn: { apiId: string; stage: string; method: string; path: string }): boolean;
  }): void;
  close(): Promise<void>;
}


function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

export async function startServiceEndpoints(): Promise<ServiceEndpoints> {
  let services: Parameters<ServiceEndpoints['bind']>[0] | undefined;
  let apiRequests = 0;

  const stepFunctions = async (target: string, body: any, res: ServerResponse) => {
    const sfn = services!.stepFunctions;
    const jsonHeaders = { 'content-type': 'application/x-amz-json-1.0' };
    try {
      if (target === 'StartExecution') {
        const record = sfn.startExecution(body.stateMachineArn, JSON.parse(body.input ?? '{}'), body.name);
        return send(res, 200, { executionArn: record.executionArn, startDate: record.startDate.getTime() / 1000 }, jsonHeaders);
      }
      if (target === 'StopExecution') {
        sfn.stopExecution(body.executionArn);
        return send(res, 200, { stopDate: Date.now() / 1000 }, jsonHeaders);
      }
      if (target === 'RedriveExecution') {
        sfn.redriveExecution(body.executionArn);
        return send(res, 200, { redriveDate: Date.now() / 1000 }, jsonHeaders);
      }
      if (target === 'GetExecutionHistory') {
        const history = sfn.execution(body.executionArn).history;
        const ordered = body.reverseOrder ? [...history].reverse() : history;
        const events = ordered.slice(0, body.maxResults || 1000).map((e) => ({ ...e, timestamp: e.timestamp.getTime() / 1000 }));
        return send(res, 200, { events }, jsonHeaders);
      }
      if (target === 'DescribeExecution') {
        const record = sfn.execution(body.executionArn);
        return send(res, 200, {
          executionArn: record.executionArn,
          stateMachineArn: record.stateMachineArn,
          name: record.name,
          status: record.status,
          startDate: record.startDate.getTime() / 1000,
          input: JSON.stringify(record.input),
          ...(record.output !== undefined ? { output: JSON.stringify(record.output) } : {}),
          ...(record.error ? { error: record.error, cause: record.cause } : {}),
          redriveCount: record.redriveCount,
        }, jsonHeaders);
      }
      return send(res, 400, { __type: 'UnknownOperationException', message: `Not served locally: ${target}` }, jsonHeaders);
    } catch (err) {
      return send(res, 400, { __type: (err as Error).name, message: (err as Error).message }, jsonHeaders);
    }
  };

  const putEvents = (body: any, res: ServerResponse) => {
    const entries = (body.Entries ?? []) as Array<{ EventBusName?: string }>;
    const results = entries.map((entry) => {
      try {
        return { EventId: services!.eventBridge.put(entry.EventBusName ?? 'default', entry).id };
      } catch (error) {
        return { ErrorCode: (error as Error).name, ErrorMessage: (error as Error).message };
      }
    });
    const failed = results.filter((result) => 'ErrorCode' in result).length;
    return send(res, 200, { FailedEntryCount: failed, Entries: results }, { 'content-type': 'application/x-amz-json-1.1' });
  };

  // The Invoke API (https://docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html): `Event` answers 202 once the
  // event is queued (the invocation runs after, with Lambda's retries, on-failure destination and dead-letter queue);
  // a payload too large is refused first. A synchronous one over its concurrency limit is answered 429.
  const lambdaInvoke = async (name: string, payload: Buffer, invocationType: string, res: ServerResponse) => {
    const functionName = decodeURIComponent(name);
    const lambda = services!.lambda;
    try {
      if (!lambda.has(functionName)) throw new LambdaServiceError('ResourceNotFoundException', 404, `Function not found: ${functionName}`);
      const type = invocationType === 'Event' ? 'Event' : 'RequestResponse';
      const refusal = requestRefusal(payload.length, type);
      if (refusal) throw refusal;
      let event: unknown;
      try {
        event = payload.length ? JSON.parse(payload.toString('utf8')) : {};
      } catch (error) {
        throw new LambdaServiceError('InvalidRequestContentException', 400, `Could not parse request body into json: ${(error as Error).message}`);
      }
      if (type === 'Event') {
        // A failure once queued is Lambda's to retry, then to give up to the function's destinations: not the caller's.
        services!.asyncInvocations.accept(functionName, event, payload.length);
        return send(res, 202, '');
      }
      const result = await lambda.invoke(functionName, event, type, payload.length);
      return send(res, 200, result ?? null, { 'x-amz-executed-version': '$LATEST' });
    } catch (err) {
      if (err instanceof LambdaFunctionError) return send(res, 200, err.payload, { 'x-amz-function-error': 'Unhandled' });
      if (err instanceof LambdaServiceError) {
        // A throttle's body names the limit reached (`Reason`), as Lambda's 429 does.
        const reason = err instanceof TooManyRequests ? { Reason: err.reason } : {};
        return send(res, err.statusCode, { ...reason, Type: 'User', message: err.message }, { 'x-amzn-errortype': err.exception });
      }
      throw err;
    }
  };

  const restApi = async (req: IncomingMessage, url: URL, body: Buffer, res: ServerResponse) => {
    const [, stage, ...rest] = url.pathname.split('/');
    const requestPath = `/${rest.join('/')}`;
    for (const api of services!.restApis) {
      if (api.stageName !== stage) continue;
      for (const route of api.routes) {
        const methodMatches = route.method === req.method || route.method === 'ANY';
        const pathParameters = methodMatches ? matchResourcePath(route.resourcePath, requestPath) : undefined;
        if (!pathParameters) continue;
        apiRequests++;
        if (services!.faultRate && (services!.random ?? Math.random)() < services!.faultRate) {
          return send(res, 503, { message: 'Service Unavailable' });
        }
        // "Execution failed due to configuration error: Invalid permissions on Lambda function"
        // (https://repost.aws/knowledge-center/api-gateway-internal-server-error).
        if (services!.integrationRefused?.(route.functionName, { apiId: api.id, stage, method: req.method ?? 'GET', path: requestPath })) {
          return send(res, 500, { message: 'Internal server error' });
        }
        const query = Object.fromEntries(url.searchParams.entries());
        const event = {
          resource: route.resourcePath,
          path: requestPath,
          httpMethod: req.method,
          headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
          multiValueHeaders: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, [v].flat().map(String)])),
          queryStringParameters: Object.keys(query).length ? query : null,
          multiValueQueryStringParameters: null,
          pathParameters: Object.keys(pathParameters).length ? pathParameters : null,
          stageVariables: null,
          requestContext: {
            resourcePath: route.resourcePath, httpMethod: req.method, stage, requestId: randomUUID(), apiId: api.id, path: url.pathname,
          },
          body: body.length ? body.toString('utf8') : null,
          isBase64Encoded: false,
        };
        try {
          const result = (await services!.lambda.invoke(route.functionName, event)) as any;
          const payload = result?.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : result?.body ?? '';
          res.writeHead(result?.statusCode ?? 200, result?.headers ?? {});
          return res.end(payload);
        } catch (error) {
          // A Lambda proxy integration answers 502 for the function's failure; Lambda's throttle is an integration
          // failure, 500 (https://repost.aws/knowledge-center/api-gateway-internal-server-error, "Throttling issues").
          return send(res, error instanceof TooManyRequests ? 500 : 502, { message: 'Internal server error' });
        }
      }
    }
    return send(res, 403, { message: 'Missing Authentication Token' });
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const target = String(req.headers['x-amz-target'] ?? '');
      const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(url.pathname);
      if (!services) return send(res, 503, { message: 'not ready' });
      if (target.startsWith('AWSStepFunctions.')) return stepFunctions(target.split('.')[1], JSON.parse(body.toString('utf8') || '{}'), res);
      if (target === 'AWSEvents.PutEvents') return putEvents(JSON.parse(body.toString('utf8') || '{}'), res);
      if (invoke && req.method === 'POST') return lambdaInvoke(invoke[1], body, String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse'), res);
      return restApi(req, url, body, res);
    })().catch((err) => send(res, 500, { message: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    server,
    apiRequests: () => apiRequests,
    bind(s) { services = s; },
    close: () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}
