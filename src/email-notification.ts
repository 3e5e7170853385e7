/**
 * Who is told about each run, through Amazon SES.
 */
export interface EmailNotification {
  /**
   * The sender address. It (or its domain) must be a verified SES identity in the stack's account
   * and region. The notify function may send `ses:SendEmail` only with the sender's and the
   * recipients' address and domain identities (SES checks the recipients' too while the account is
   * in the sandbox). See docs/email-setup.md.
   */
  readonly sender: string;
  /**
   * The recipients, 1 to 50. While your SES account is in the sandbox, each (or its domain) must be
   * a verified identity too, or SES refuses the email; request production access to lift that.
   */
  readonly recipients: string[];
  /**
   * The SES configuration set to send with (its name, in the stack's account and region). SES also
   * authorizes `ses:SendEmail` against the configuration set the email uses, including the default one
   * of the sender's identity, so name the identity's default configuration set here if it has one:
   * the notify function is granted that configuration set only, and sends with it.
   * https://docs.aws.amazon.com/ses/latest/dg/using-configuration-sets-in-email.html
   *
   * @default - no configuration set named: an identity with a default configuration set refuses the email
   */
  readonly configurationSetName?: string;
}
