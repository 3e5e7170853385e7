import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

/** Adds headers to an outgoing GET (e.g. a SigV4 signature). */
export type RequestSigner = (url: URL, headers: Record<string, string>) => Promise<Record<string, string>>;

/**
 * Signs requests for an IAM-authorised API Gateway endpoint with the function's own role
 * (service `execute-api`). The credential provider caches the role's session between requests.
 */
export function sigV4Signer(region: string): RequestSigner {
  const signer = new SignatureV4({ service: 'execute-api', region, credentials: defaultProvider(), sha256: Sha256 });
  return async (url, headers) => {
    const query: Record<string, string | string[]> = {};
    for (const name of new Set(url.searchParams.keys())) {
      const values = url.searchParams.getAll(name);
      query[name] = values.length === 1 ? values[0] : values;
    }
    const request = new HttpRequest({
      method: 'GET',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port === '' ? undefined : Number(url.port),
      // The path stays percent-encoded; the signer encodes it once more, as SigV4 requires for execute-api.
      path: url.pathname,
      query,
      headers: { ...headers, host: url.host },
    });
    const signed = await signer.sign(request);
    return signed.headers;
  };
}
