/**
 * The local IAM engine as a gate in front of each stand-in on the main thread (s3rver, the SES stand-in, the
 * local service endpoints): which service a request is for, and whether its body is needed to decide it.
 * DynamoDB's gate runs on dynalite's own thread (`../stand-ins/dynamodb-worker.ts`).
 */
import { IncomingMessage } from 'node:http';
import { LocalService } from './access-denied-responses';
import { IamEngine } from './iam-engine';
import { RequestGate } from './request-gate';
import { HttpRequest } from '../shared/http-request';

function iamGate(iam: IamEngine, serviceOf: (request: HttpRequest) => LocalService, readsBody: (req: IncomingMessage) => boolean): RequestGate {
  return {
    readsBody,
    refusal(request) {
      const verdict = iam.authorizeRequest(serviceOf(request), request);
      return verdict.allowed ? undefined : verdict.response;
    },
  };
}

/**
 * S3: decided from the method, path, query and headers; only DeleteObjects names its objects in the body. A GET
 * or HEAD of a key the store does not hold (`objectExists`) is answered 403 rather than the stand-in's 404
 * unless the caller may list the whole bucket (`IamEngine.missingObjectResponse`), as S3 answers it.
 */
export function s3Gate(iam: IamEngine, objectExists: (bucket: string, key: string) => boolean): RequestGate {
  const deletesObjects = (req: IncomingMessage) => req.method === 'POST' && /[?&]delete(=|&|$)/.test(req.url ?? '');
  return {
    readsBody: deletesObjects,
    refusal(request) {
      const verdict = iam.authorizeRequest('s3', request);
      if (!verdict.allowed) return verdict.response;
      // No caller: a trusted key (the local cloud's own), answered as the stand-in answers it.
      return verdict.caller ? iam.missingObjectResponse(verdict.caller, request, objectExists) : undefined;
    },
  };
}

/** The SES stand-in's own pages and store (read unsigned by the runner): not AWS APIs. */
const SES_STAND_IN_PATHS = new Set(['/store', '/clear-store', '/health-check', '/get-emlContent']);

/** SES: SendEmail is decided from its body (any other SES call, v1's too, fails as unmapped rather than passing). */
export function sesGate(iam: IamEngine): RequestGate {
  const gate = iamGate(iam, () => 'ses', (req) => req.method === 'POST');
  const isApi = (method: string | undefined, url: string | undefined) => {
    const path = (url ?? '/').split('?')[0];
    return !SES_STAND_IN_PATHS.has(path) && !(method === 'GET' && path === '/');
  };
  return {
    readsBody: (req) => isApi(req.method, req.url) && gate.readsBody(req),
    refusal: (request) => (isApi(request.method, request.url) ? gate.refusal(request) : undefined),
  };
}

/** The local service endpoints: Step Functions and EventBridge by their `X-Amz-Target`, Lambda Invoke by its path, the rest REST APIs. */
export function serviceEndpointsGate(iam: IamEngine): RequestGate {
  const serviceOf = (request: HttpRequest): LocalService => {
    const target = String(request.headers['x-amz-target'] ?? '');
    if (target.startsWith('AWSStepFunctions.')) return 'states';
    if (target.startsWith('AWSEvents.')) return 'events';
    if (request.method === 'POST' && /^\/2015-03-31\/functions\/[^/]+\/invocations(\?|$)/.test(request.url)) return 'lambda';
    return 'execute-api';
  };
  return iamGate(iam, serviceOf, () => true);
}
