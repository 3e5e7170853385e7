// The SDK's JavaScript SHA-256, not node:crypto's (which the signer uses): an independent hash for the check.
import { Sha256Js as Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { sigV4Signer } from '../../../lambda-src/enrich/request-signer';

describe('sigV4Signer', () => {
  const saved = { ...process.env };
  beforeAll(() => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
  });
  afterAll(() => {
    process.env = saved;
  });

  test('signs GETs for execute-api in the region with the default credentials', async () => {
    const url = new URL('https://abc123.execute-api.eu-west-1.amazonaws.com/prod/financials/a%2Fb?x=1&y=2');
    const headers = await sigV4Signer('eu-west-1')({ method: 'GET', url, headers: { accept: 'application/json' } });
    expect(headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=accept;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/);
    expect(headers.host).toBe(url.host);

    // The same request signed independently at the same instant gives the same signature.
    const date = headers['x-amz-date'];
    const expected = await new SignatureV4({
      service: 'execute-api',
      region: 'eu-west-1',
      sha256: Sha256,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    }).sign(new HttpRequest({
      method: 'GET',
      protocol: 'https:',
      hostname: url.hostname,
      path: '/prod/financials/a%2Fb',
      query: { x: '1', y: '2' },
      headers: { accept: 'application/json', host: url.host },
    }), { signingDate: new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 11)}:${date.slice(11, 13)}:${date.slice(13)}`) });
    expect(headers.authorization).toBe(expected.headers.authorization);
  });

  test('signs POSTs over their body, so a different body does not match the signature', async () => {
    const url = new URL('https://abc123.execute-api.eu-west-1.amazonaws.com/prod/financials/batch');
    const headers = { 'content-type': 'application/json' };
    const sign = sigV4Signer('eu-west-1');
    const body = '{"header":["uuid"],"records":[{"line":2,"fields":["1"]}]}';
    const signed = await sign({ method: 'POST', url, headers, body });
    const date = signed['x-amz-date'];
    const signingDate = new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 11)}:${date.slice(11, 13)}:${date.slice(13)}`);
    const independent = (text: string) => new SignatureV4({
      service: 'execute-api',
      region: 'eu-west-1',
      sha256: Sha256,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    }).sign(new HttpRequest({ method: 'POST', protocol: 'https:', hostname: url.hostname, path: url.pathname, headers: { ...headers, host: url.host }, body: text }), { signingDate });
    expect(signed.authorization).toBe((await independent(body)).headers.authorization);
    expect(signed.authorization).not.toBe((await independent(body.replace('"1"', '"2"'))).headers.authorization);
  });
});
