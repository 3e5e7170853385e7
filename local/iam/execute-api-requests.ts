/**
 * API Gateway REST requests to methods with IAM authorization (`AuthorizationType: AWS_IAM`) → `execute-api:Invoke`
 * on `arn:aws:execute-api:<region>:<account>:<api-id>/<stage>/<METHOD>/<path>`, the path as requested
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-invoke-api.html).
 * Methods without IAM authorization need no check. Locally the REST APIs are served at `/<stage>/<path>`.
 */
import { AuthorizationCheck } from './policy-evaluation';
import { IamAuthorizedMethod } from './template-policies';
import { HttpRequest, requestUrl } from '../shared/http-request';
import { matchResourcePath } from '../template/resource-paths';
import { LocalEnvironment } from '../template/token-resolver';

export interface LocalApiStage {
  readonly id: string;
  readonly stageName: string;
}

export function executeApiChecksOfRequest(
  request: HttpRequest, apis: readonly LocalApiStage[], iamMethods: readonly IamAuthorizedMethod[], env: LocalEnvironment,
): AuthorizationCheck[] {
  const [, stage, ...rest] = requestUrl(request).pathname.split('/');
  const path = `/${rest.join('/')}`;
  const method = request.method.toUpperCase();
  for (const api of apis.filter((a) => a.stageName === stage)) {
    const iam = iamMethods.find((m) => m.apiId === api.id && (m.httpMethod === method || m.httpMethod === 'ANY') && matchResourcePath(m.resourcePath, path));
    if (iam) return [{ action: 'execute-api:Invoke', resource: `arn:aws:execute-api:${env.region}:${env.account}:${api.id}/${stage}/${method}${path}` }];
  }
  return [];
}
