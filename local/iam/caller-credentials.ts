/**
 * Local credentials, one pair per function and per state machine, derived from its role and session so that
 * every run gets the same ones, and the request → caller mapping AWS does: the access key id of a SigV4
 * request (`Authorization: AWS4-HMAC-SHA256 Credential=<AKID>/<date>/<region>/<service>/aws4_request, …`, or
 * the `X-Amz-Credential` query parameter of a presigned URL) names the credentials, and so the role session
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-signing-elements.html).
 */
import { createHash } from 'node:crypto';
import { header, HttpRequest, requestUrl } from '../shared/http-request';

export interface LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `LOCAL` and 15 characters of a hash of the role and session: 20 upper-case characters, like AWS key ids. */
export function localCredentials(roleArn: string, sessionName: string): LocalCredentials {
  const digest = createHash('sha256').update(`${roleArn}\n${sessionName}`).digest();
  const accessKeyId = `LOCAL${[...digest.subarray(0, 15)].map((b) => BASE32[b % 32]).join('')}`;
  const secretAccessKey = createHash('sha256').update(`secret\n${roleArn}\n${sessionName}`).digest('base64').slice(0, 40);
  return { accessKeyId, secretAccessKey };
}

/** The access key id a request is signed with (SigV4 header or presigned query; SigV2 forms too), if any. */
export function accessKeyIdOf(request: HttpRequest): string | undefined {
  const authorization = header(request, 'authorization');
  if (authorization) {
    const v4 = /Credential=([^/,\s]+)\//.exec(authorization);
    if (v4) return v4[1];
    const v2 = /^AWS ([^:]+):/.exec(authorization);
    if (v2) return v2[1];
    return undefined;
  }
  const query = requestUrl(request).searchParams;
  const credential = query.get('X-Amz-Credential');
  if (credential) return credential.split('/')[0];
  return query.get('AWSAccessKeyId') ?? undefined;
}
