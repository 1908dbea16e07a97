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
  type PasswordReset,
  type SignInMethodName,
} from './admin/admin-service';
export type { SignInDomain } from './discovery/domain-store';
export { OIDC_MOUNT_PATH, oidcIssuer } from './oidc/issuer';
export { openAdminService, type AdminOptions } from './admin/open-admin';
export type { MailDelivery, MailMessage, MailReceipt } from './mail/mail-delivery';
export { runCli, type CliIo } from './cli/run-cli';

/** Kept for existing imports. */
export const SERVER_NAME = 'Keyway reference server';
