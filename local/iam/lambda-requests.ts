/**
 * Lambda Invoke (`POST /2015-03-31/functions/{FunctionName}/invocations[?Qualifier=q]`) → `lambda:InvokeFunction`
 * on the function's ARN, qualified when the call names a version or alias
 * (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html).
 */
import { AuthorizationCheck } from './policy-evaluation';
import { HttpRequest, requestUrl, UnmappedRequestError } from '../shared/http-request';
import { LocalEnvironment } from '../template/token-resolver';

/** The ARN of a function named by name, partial ARN (`account:function:name`) or ARN, with its qualifier. */
export function functionArnOf(name: string, env: LocalEnvironment, qualifier?: string): string {
  const base = name.startsWith('arn:') ? name
    : /^\d{12}:function:/.test(name) ? `arn:aws:lambda:${env.region}:${name}`
      : `arn:aws:lambda:${env.region}:${env.account}:function:${name}`;
  // $LATEST is what an unqualified call runs; a policy on the function covers it.
  return qualifier && qualifier !== '$LATEST' && base.split(':').length === 7 ? `${base}:${qualifier}` : base.replace(/:\$LATEST$/, '');
}

export function lambdaChecksOfRequest(request: HttpRequest, env: LocalEnvironment): AuthorizationCheck[] {
  const url = requestUrl(request);
  const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(url.pathname);
  if (!invoke || request.method.toUpperCase() !== 'POST') throw new UnmappedRequestError(request, 'only Lambda Invoke is mapped');
  const qualifier = url.searchParams.get('Qualifier') ?? undefined;
  return [{ action: 'lambda:InvokeFunction', resource: functionArnOf(decodeURIComponent(invoke[1]), env, qualifier) }];
}
