/**
 * Who is told about each run, through Amazon SES.
 */
export interface EmailNotification {
  /**
   * The sender address. It (or its domain) must be a verified SES identity in the stack's account
   * and region; the notify function may send only as this identity.
   */
  readonly sender: string;
  /**
   * The recipients, 1 to 50. While your SES account is in the sandbox, each must be verified too.
   */
  readonly recipients: string[];
}
