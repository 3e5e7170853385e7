/**
 * API Gateway resource paths as the template declares them (`/financials/{uuid}`): the front door routes a request by
 * them and local IAM names the `execute-api` resource it checks.
 */

/** Matches `/financials/{uuid}` against `/financials/123` → `{ uuid: '123' }`. */
export function matchResourcePath(resourcePath: string, requestPath: string): Record<string, string> | undefined {
  const pattern = resourcePath.split('/');
  const actual = requestPath.split('/');
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = /^\{(.+)\}$/.exec(pattern[i]);
    if (p) params[p[1]] = decodeURIComponent(actual[i]);
    else if (pattern[i] !== actual[i]) return undefined;
  }
  return params;
}
