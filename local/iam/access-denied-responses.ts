/**
 * Refusals as each service answers them, so that the SDK in a handler throws what it would throw on AWS.
 * The message format is IAM's: `User: <principal> is not authorized to perform: <action> on resource:
 * <resource> because no <type> policy allows the <action> action` or `… with an explicit deny in a <type>
 * policy` (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html); S3 quotes the
 * resource (https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html#access-denied-message-examples);
 * SES has its own wording, ``User `<principal>' is not authorized to perform `ses:SendEmail' on resource `<arn>'``.
 * Status codes: S3 403, DynamoDB and Step Functions 400 (AWS JSON 1.0, `__type`), EventBridge 400 (AWS JSON 1.1,
 * `__type`), Lambda, SES v2 and API Gateway 403 (`x-amzn-ErrorType`).
 */
import { randomBytes } from 'node:crypto';
import { Decision } from './policy-evaluation';

export type LocalService = 's3' | 'dynamodb' | 'states' | 'events' | 'lambda' | 'ses' | 'execute-api';

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** IAM's access denied message for a refused decision; `quoteResource` for S3's form. */
export function accessDeniedMessage(decision: Decision, quoteResource = false): string {
  const { denial } = decision;
  if (!denial) throw new Error('accessDeniedMessage of an allowed decision');
  const resource = decision.resource === '*' ? '' : ` on resource: ${quoteResource ? `"${decision.resource}"` : decision.resource}`;
  const reason = denial.kind === 'explicit'
    ? `with an explicit deny in a ${denial.policyType} policy`
    : `because no ${denial.policyType} policy allows the ${decision.action} action`;
  return `User: ${decision.principal} is not authorized to perform: ${decision.action}${resource} ${reason}`;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const requestId = () => randomBytes(8).toString('hex').toUpperCase();

function s3Error(status: number, code: string, message: string, extra = ''): HttpResponse {
  const body = '<?xml version="1.0" encoding="UTF-8"?>\n'
    + `<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message>${extra}<RequestId>${requestId()}</RequestId><HostId>${randomBytes(24).toString('base64')}</HostId></Error>`;
  return { status, headers: { 'content-type': 'application/xml' }, body };
}

function jsonError(service: LocalService, type: string, message: string): HttpResponse {
  switch (service) {
    case 'dynamodb':
    case 'states':
    case 'events':
      return {
        status: 400,
        headers: { 'content-type': `application/x-amz-json-${service === 'events' ? '1.1' : '1.0'}`, 'x-amzn-requestid': requestId() },
        body: JSON.stringify({ __type: `com.amazon.coral.service#${type}`, Message: message }),
      };
    default:
      return {
        status: 403,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': type, 'x-amzn-requestid': requestId() },
        body: JSON.stringify(service === 'lambda' ? { Type: 'User', Message: message } : { message }),
      };
  }
}

/** The response to a request that one of its checks refused. */
export function accessDeniedResponse(service: LocalService, decision: Decision): HttpResponse {
  if (service === 's3') return s3Error(403, 'AccessDenied', accessDeniedMessage(decision, true));
  if (service === 'ses') {
    return jsonError(service, 'AccessDeniedException', `User \`${decision.principal}' is not authorized to perform \`${decision.action}' on resource \`${decision.resource}'`);
  }
  return jsonError(service, 'AccessDeniedException', accessDeniedMessage(decision));
}

/** The response to a request signed with credentials the local cloud did not issue, or not signed. */
export function authenticationFailureResponse(service: LocalService, accessKeyId: string | undefined): HttpResponse {
  if (service === 's3') {
    return accessKeyId === undefined
      ? s3Error(403, 'AccessDenied', 'Access Denied')
      : s3Error(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', `<AWSAccessKeyId>${escapeXml(accessKeyId)}</AWSAccessKeyId>`);
  }
  return accessKeyId === undefined
    ? jsonError(service, 'MissingAuthenticationTokenException', 'Missing Authentication Token')
    : jsonError(service, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
}
