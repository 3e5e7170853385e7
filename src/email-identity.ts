import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { EmailNotification } from './email-notification';

/** Deliberately loose: SES is the authority, this only catches typos such as a missing `@` or domain. */
const ADDRESS = /^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;.]+$/;

/** SES accepts at most 50 recipients per message. */
const MAX_RECIPIENTS = 50;

/** SES configuration set names: letters, digits, `_` and `-`, at most 64 characters. */
const CONFIGURATION_SET_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Throws an error naming the prop when the addresses cannot be right. */
export function validateEmailNotification(email: EmailNotification): void {
  if (email.configurationSetName !== undefined && !CONFIGURATION_SET_NAME.test(email.configurationSetName)) {
    throw new Error(`email.configurationSetName must be 1 to 64 letters, digits, '_' or '-', got '${email.configurationSetName}'`);
  }
  if (!ADDRESS.test(email.sender)) {
    throw new Error(`email.sender must be an email address like batch@example.com, got '${email.sender}'`);
  }
  if (email.recipients.length === 0 || email.recipients.length > MAX_RECIPIENTS) {
    throw new Error(`email.recipients must hold 1 to ${MAX_RECIPIENTS} addresses, got ${email.recipients.length}`);
  }
  const invalid = email.recipients.filter((recipient) => !ADDRESS.test(recipient));
  if (invalid.length > 0) {
    throw new Error(`email.recipients must be email addresses like ops@example.com, got '${invalid.join("', '")}'`);
  }
}

/** The address and its domain: the two identities SES may authorize an address against. */
function identitiesOf(address: string): string[] {
  return [address, address.slice(address.lastIndexOf('@') + 1)];
}

/**
 * The ARNs of the SES identities that SES authorizes `ses:SendEmail` against: the sender's
 * address and domain, and, because in the SES sandbox SES also checks each recipient's identity,
 * every recipient's address and domain. Whichever of an address and its domain is the verified
 * identity is the one SES checks, so both are granted; duplicates (a shared domain) once.
 * In the sandbox the recipients must be verified too; out of it their identities need not exist
 * (a grant on an identity that does not exist gives nothing).
 * https://docs.aws.amazon.com/ses/latest/dg/control-user-access.html (IAM policies for SES: restricting
 * the identities a user may send with; the sandbox note)
 * https://docs.aws.amazon.com/ses/latest/dg/request-production-access.html (the sandbox: recipients must be verified)
 */
export function emailIdentityArns(scope: Construct, email: EmailNotification): string[] {
  const stack = Stack.of(scope);
  const identities = new Set([email.sender, ...email.recipients].flatMap(identitiesOf));
  return [...identities].map((identity) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }));
}

/**
 * The ARN of the configuration set the email is sent with, when one is named: SES authorizes
 * `ses:SendEmail` against it too (aws/aws-cdk#34402).
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsimpleemailservice-sesv2.html
 */
export function emailConfigurationSetArns(scope: Construct, email: EmailNotification): string[] {
  if (email.configurationSetName === undefined) return [];
  return [Stack.of(scope).formatArn({ service: 'ses', resource: 'configuration-set', resourceName: email.configurationSetName })];
}
