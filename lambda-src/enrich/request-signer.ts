// The SDK's own SHA-256 for Node (node:crypto), as its clients sign with; @aws-crypto/sha256-js hashed each batch body in JavaScript.
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

/** An outgoing request to the enrichment endpoint, as the signer sees it. */
export interface OutgoingRequest {
  readonly method: 'GET' | 'POST';
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** Adds headers to an outgoing request (e.g. a SigV4 signature). */
export type RequestSigner = (request: OutgoingRequest) => Promise<Record<string, string>>;

/**
 * Signs requests for an IAM-authorised API Gateway endpoint with the function's own role
 * (service `execute-api`). The credential provider caches the role's session between requests.
 */
export function sigV4Signer(region: string): RequestSigner {
  const signer = new SignatureV4({ service: 'execute-api', region, credentials: defaultProvider(), sha256: Sha256 });
  return async ({ method, url, headers, body }) => {
    const query: Record<string, string | string[]> = {};
    for (const name of new Set(url.searchParams.keys())) {
      const values = url.searchParams.getAll(name);
      query[name] = values.length === 1 ? values[0] : values;
    }
    const request = new HttpRequest({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port === '' ? undefined : Number(url.port),
      // The path stays percent-encoded; the signer encodes it once more, as SigV4 requires for execute-api.
      path: url.pathname,
      query,
      headers: { ...headers, host: url.host },
      // The signature covers the body's hash, so a POSTed batch cannot be altered on the way.
      body,
    });
    const signed = await signer.sign(request);
    return signed.headers;
  };
}
