/**
 * The reference deployment and login server. It imports protocol/ only.
 * Start it with startReferenceServer(); administer it through RunningServer.admin or the CLI (cli.ts).
 */
export { startReferenceServer, type RunningServer } from './server';
export {
  DEFAULT_LICENSE,
  DEFAULT_LIMITS,
  DEFAULT_SERVER_NAME,
  type Limits,
  type ReferenceServerOptions,
  type SmtpOptions,
} from './config';
export {
  AdminService,
  type AdminDeployment,
  type AdminUser,
  type CreateUserInput,
  type CreatedUser,
  type DomainSignIn,
  type MfaPolicyChange,
  type PasswordReset,
  type SignInMethodName,
} from './admin/admin-service';
export type { SignInDomain } from './discovery/domain-store';
export { OIDC_MOUNT_PATH, oidcIssuer } from './oidc/issuer';
export { openAdminService, type AdminOptions } from './admin/open-admin';
export type { MailDelivery, MailMessage, MailReceipt } from './mail/mail-delivery';
export { runCli, type CliIo } from './cli/run-cli';
export type { MfaPolicy } from './mfa/policy';
export type { SmsOptions } from './mfa/sms/sms-provider';
export { MFA_KEY_FILE } from './mfa/secret-box';
