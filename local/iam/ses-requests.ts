/**
 * SES v2 SendEmail (`POST /v2/email/outbound-emails`) → `ses:SendEmail` on the identities SES authorizes it
 * against: the sender's identity (or `FromEmailAddressIdentityArn` when given, for sending authorization),
 * the configuration set when one is named, and, while the account is in the SES sandbox, each recipient's
 * identity, because there every recipient must be a verified identity too
 * (https://docs.aws.amazon.com/ses/latest/dg/control-user-access.html,
 * https://docs.aws.amazon.com/ses/latest/dg/verify-addresses-and-domains.html,
 * https://docs.aws.amazon.com/ses/latest/dg/request-production-access.html).
 * Condition keys: `ses:FromAddress`, `ses:Recipients`, `ses:FeedbackAddress`, `ses:FromDisplayName`, `ses:ApiVersion`.
 *
 * Assumed where the documentation is silent: an address is authorized as its own identity when that is
 * verified, otherwise as its (closest parent) verified domain; without a list of verified identities every
 * address counts as verified itself.
 */
import { AuthorizationCheck } from './policy-evaluation';
import { HttpRequest, jsonBody, requestUrl, UnmappedRequestError } from '../shared/http-request';
import { LocalEnvironment } from '../template/token-resolver';

export interface SesOptions {
  /** The account is in the SES sandbox: recipients are authorized too. @default false */
  readonly sandbox?: boolean;
  /** The identities (addresses and domains) verified in the account. @default - each address is its own verified identity */
  readonly verifiedIdentities?: readonly string[];
}

/** `Name <a@b.com>` → `a@b.com`. */
export function addressOf(text: string): string {
  return (/<([^>]+)>/.exec(text)?.[1] ?? text).trim();
}

function displayNameOf(text: string): string | undefined {
  return /^\s*"?([^"<]*?)"?\s*</.exec(text)?.[1] || undefined;
}

/** The identity SES authorizes an address as. */
export function sesIdentityOf(address: string, options: SesOptions): string {
  const verified = options.verifiedIdentities;
  if (!verified || verified.includes(address)) return address;
  const labels = address.slice(address.lastIndexOf('@') + 1).split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    const domain = labels.slice(i).join('.');
    if (verified.includes(domain)) return domain;
  }
  return address;
}

/** The `From` header of a raw MIME message. */
function rawFrom(base64: string): string | undefined {
  const head = Buffer.from(base64, 'base64').toString('utf8').split(/\r?\n\r?\n/)[0];
  return /^From:\s*(.+)$/im.exec(head)?.[1];
}

/** A SendEmail request's sender and recipients (To, Cc and Bcc), as addresses, and its body. */
export function sendEmailOfRequest(request: HttpRequest): { body: any; from: string; recipients: string[] } {
  if (request.method.toUpperCase() !== 'POST' || requestUrl(request).pathname !== '/v2/email/outbound-emails') {
    throw new UnmappedRequestError(request, 'only SES v2 SendEmail is mapped');
  }
  const body = jsonBody(request);
  const from: string | undefined = body.FromEmailAddress ?? (body.Content?.Raw?.Data ? rawFrom(body.Content.Raw.Data) : undefined);
  if (!from) throw new UnmappedRequestError(request, 'no FromEmailAddress');
  const destination = body.Destination ?? {};
  const recipients: string[] = [...destination.ToAddresses ?? [], ...destination.CcAddresses ?? [], ...destination.BccAddresses ?? []].map(addressOf);
  return { body, from, recipients };
}

export function sesChecksOfRequest(request: HttpRequest, env: LocalEnvironment, options: SesOptions): AuthorizationCheck[] {
  const { body, from, recipients } = sendEmailOfRequest(request);
  const identityArn = (identity: string) => `arn:aws:ses:${env.region}:${env.account}:identity/${identity}`;
  const context = {
    'ses:FromAddress': addressOf(from),
    'ses:Recipients': recipients,
    'ses:ApiVersion': '2',
    ...(displayNameOf(from) ? { 'ses:FromDisplayName': displayNameOf(from)! } : {}),
    ...(body.FeedbackForwardingEmailAddress ? { 'ses:FeedbackAddress': String(body.FeedbackForwardingEmailAddress) } : {}),
  };
  const resources = [body.FromEmailAddressIdentityArn ?? identityArn(sesIdentityOf(addressOf(from), options))];
  if (body.ConfigurationSetName) resources.push(`arn:aws:ses:${env.region}:${env.account}:configuration-set/${body.ConfigurationSetName}`);
  if (options.sandbox) resources.push(...recipients.map((r) => identityArn(sesIdentityOf(r, options))));
  return [...new Set(resources)].map((resource) => ({ action: 'ses:SendEmail', resource, context }));
}
