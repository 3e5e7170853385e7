/**
 * The rules SES applies to SendEmail that the stand-in (aws-ses-v2-local) does not, in front of it:
 * - at most 50 recipients per message, To, Cc and Bcc together
 *   (https://docs.aws.amazon.com/ses/latest/dg/quotas.html);
 * - the sender must be a verified identity, its address or its domain, and in the SES sandbox, where every new
 *   account starts, each recipient too (https://docs.aws.amazon.com/ses/latest/dg/verify-addresses-and-domains.html,
 *   https://docs.aws.amazon.com/ses/latest/dg/request-production-access.html). A refusal is SES v2's
 *   `MessageRejected`, "Email address is not verified. The following identities failed the check in region
 *   <REGION>: <identities>" (https://docs.aws.amazon.com/ses/latest/dg/troubleshoot-error-messages.html; the region
 *   is upper case in the messages SES returns).
 * Assumed where the documentation is silent: more than 50 recipients is `BadRequestException`, "Recipient count
 * exceeds 50." (SES v1's `InvalidParameterValue` text; v2 names invalid input BadRequestException), checked before
 * the identities; only SES v2 SendEmail is checked (the handlers' API), a raw message's recipients as given in
 * `Destination`.
 */
import { HttpResponse } from '../iam/access-denied-responses';
import { RequestGate } from '../iam/request-gate';
import { addressOf, sendEmailOfRequest, sesIdentityOf } from '../iam/ses-requests';
import { HttpRequest, requestUrl } from '../shared/http-request';
import { CfnTemplate, LocalEnvironment, resolveTokens } from '../template/token-resolver';

const MAX_RECIPIENTS = 50;

/** The SES account the stand-in plays. */
export interface SesAccount {
  readonly region: string;
  /** In the sandbox: recipients must be verified identities too. */
  readonly sandbox: boolean;
  /** The verified identities: email addresses and domains. */
  readonly verifiedIdentities: readonly string[];
}

/** The identities a template verifies (`AWS::SES::EmailIdentity`). */
export function templateEmailIdentities(template: CfnTemplate, env: LocalEnvironment): string[] {
  return Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::SES::EmailIdentity')
    .map((resource) => String(resolveTokens(resource.Properties?.EmailIdentity, template, env)));
}

function rejected(type: string, message: string): HttpResponse {
  return { status: 400, headers: { 'content-type': 'application/json', 'x-amzn-errortype': type }, body: JSON.stringify({ message }) };
}

/** What SES answers a SendEmail that breaks its rules, or undefined when it would send it. */
export function sesRefusal(request: HttpRequest, account: SesAccount): HttpResponse | undefined {
  const { from, recipients } = sendEmailOfRequest(request);
  if (recipients.length > MAX_RECIPIENTS) return rejected('BadRequestException', `Recipient count exceeds ${MAX_RECIPIENTS}.`);
  const verified = (address: string) => account.verifiedIdentities.includes(sesIdentityOf(address, account));
  const checked = [addressOf(from), ...account.sandbox ? recipients : []];
  const failed = [...new Set(checked)].filter((address) => !verified(address));
  if (failed.length === 0) return undefined;
  return rejected('MessageRejected', `Email address is not verified. The following identities failed the check in region ${account.region.toUpperCase()}: ${failed.join(', ')}`);
}

/** The gate that applies SES's rules to SendEmail requests; everything else (the stand-in's own store) passes. */
export function sesRules(account: SesAccount): RequestGate {
  const isSend = (method: string | undefined, url: string | undefined) => method === 'POST' && url?.split('?')[0] === '/v2/email/outbound-emails';
  return {
    readsBody: (req) => isSend(req.method, req.url),
    refusal: (request) => (isSend(request.method, requestUrl(request).pathname) ? sesRefusal(request, account) : undefined),
  };
}
