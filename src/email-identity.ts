import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { EmailNotification } from './email-notification';

/** Deliberately loose: SES is the authority, this only catches typos such as a missing `@` or domain. */
const ADDRESS = /^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;.]+$/;

/** SES accepts at most 50 recipients per message. */
const MAX_RECIPIENTS = 50;

/** Throws an error naming the prop when the addresses cannot be right. */
export function validateEmailNotification(email: EmailNotification): void {
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

/**
 * The SES identities the sender may be verified as: the address itself and its domain.
 * SES authorizes SendEmail against whichever of them is verified.
 */
export function senderIdentityArns(scope: Construct, sender: string): string[] {
  const stack = Stack.of(scope);
  const domain = sender.slice(sender.lastIndexOf('@') + 1);
  return [sender, domain].map((identity) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }));
}
