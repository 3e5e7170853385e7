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
}
