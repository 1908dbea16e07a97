import { KeywayError } from '../../protocol/errors';
import { StorageError } from '../storage/storage-error';
import { COMMAND_OPTIONS, DEFAULT_DATA_DIR, DEFAULT_PORT, isCommand } from './arguments';
import { runAdminCommand } from './admin-commands';
import { UsageError, type CliIo } from './cli-io';
import {
  DEPLOYMENT_COMMANDS,
  DEPLOYMENT_USAGE,
  isDeploymentCommand,
  runDeploymentCommand,
} from './deployment-commands';
import { AUDIT_USAGE, runAuditCommand } from './audit-commands';
import { IDP_USAGE, runIdpCommand } from './idp-commands';
import { runMigrate } from './migrate-command';
import { runServe } from './serve-command';

export type { CliIo } from './cli-io';

const USAGE = `Usage: npm run server -- <command> [options]

Commands:
  serve               [--port N] [--host H] [--public-origin URL] [--smtp-url smtp://host:port] [--seed-demo]
                      [--sms-webhook-url URL] [--otp-ttl-seconds 90] [--updates-dir DIR] [--migrate]
                      [--audit-webhook CLASS=URL]... [--audit-log-file FILE]
  migrate             applies pending database migrations
  create-user         --login-id ID --email E --display-name NAME [--password P] [--alias UPN]... [--phone +E164]
  send-deployment     --user ID [--ttl-days N]
  list-users
  reset-password      --user ID [--password P]
  revoke-sessions     --user ID
  set-sign-in         --user ID --method oidc|password
  set-domain-sign-in  --domain corp.example --method oidc|password
  list-domains
  set-mfa-policy      [--channels totp,email,sms,passkey] [--mode optional|enforced] [--trust-days 30]
  show-mfa-policy
  reset-mfa           --user ID
  set-phone           --user ID (--phone +447700900123 | --clear)
  set-forgot-password [--enabled on|off] [--link-minutes 30]
  create-otp-client   --name NAME
  list-otp-clients
  revoke-otp-client   --name NAME
  grant-admin         --user ID    (may sign in to the admin console at /admin, with a second factor)
  revoke-admin        --user ID
  lock-user           --user ID [--reason TEXT]   (no sign-in anywhere until unlocked; ends every session)
  unlock-user         --user ID
${IDP_USAGE}
${DEPLOYMENT_USAGE}
${AUDIT_USAGE}

Every command takes --data-dir DIR (default: $KEYWAY_DATA_DIR, else ${DEFAULT_DATA_DIR}) and
--database postgres://… (default: $KEYWAY_DATABASE_URL, else SQLite in the data dir). SQLite is migrated
by serve itself; a PostgreSQL database with pending migrations is refused until "migrate" (or serve --migrate).
create-user and send-deployment also take --public-origin and --smtp-url; by default they use what the
last "serve" on the data dir recorded. Without an SMTP relay, mail is saved as .eml files in <data dir>/outbox.
serve listens on 127.0.0.1:${DEFAULT_PORT} unless told otherwise (--port 0 picks a free port).
--user takes a login ID, e-mail address or alias. With --method oidc, a user (or everyone with an address
in the domain, including people without an account yet) signs in through the server's OpenID Provider
(unified login) instead of with the password API.
MFA: with --mode enforced every password sign-in needs a second step; with optional (the default) only
users who set up an authenticator app. SMS codes go to <data dir>/outbox as .sms.json files unless serve
has --sms-webhook-url (signed with the secret in $KEYWAY_SMS_WEBHOOK_SECRET; see server/mfa/README.md).
Forgot password is off until set-forgot-password --enabled on (serve --seed-demo turns it on for the demo).
create-otp-client prints the API key a VPN/RADIUS front end verifies one-time passwords with, once
(docs/otp-verify.md); one-time passwords work for 90 seconds unless serve has --otp-ttl-seconds.
Audit events stream to a signed webhook per class (--audit-webhook sign-in=https://…, or
$KEYWAY_AUDIT_WEBHOOK_SIGN_IN …; signed with $KEYWAY_AUDIT_WEBHOOK_SECRET) and/or a JSON-lines file
(--audit-log-file or $KEYWAY_AUDIT_LOG_FILE): docs/audit-webhook.md.
--updates-dir serves a folder of latest*.yml files and installers under /updates/: the desktop app's
automatic updates (README, "Automatic updates").`;

/**
 * The admin CLI. Returns the exit code: 0 done, 1 the command failed (e.g. unknown user), 2 wrong usage.
 * `serve` resolves only once io.signal aborts.
 */
export async function runCli(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const full: CliIo = {
    out: io.out ?? ((line) => process.stdout.write(`${line}\n`)),
    err: io.err ?? ((line) => process.stderr.write(`${line}\n`)),
    env: io.env ?? process.env,
    cwd: io.cwd ?? process.cwd(),
    signal: io.signal,
  };
  const [command, ...args] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    (command === undefined ? full.err : full.out)(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (!isCommand(command) && command !== 'idp' && command !== 'audit' && !isDeploymentCommand(command)) {
    full.err(
      `error: unknown command "${command}". Commands: ${[...Object.keys(COMMAND_OPTIONS), 'idp', 'audit', ...DEPLOYMENT_COMMANDS].join(', ')}.`,
    );
    return 2;
  }
  try {
    if (command === 'serve') await runServe(args, full);
    else if (command === 'migrate') await runMigrate(args, full);
    else if (command === 'idp') await runIdpCommand(args, full);
    else if (isDeploymentCommand(command)) await runDeploymentCommand(command, args, full);
    else if (command === 'audit') await runAuditCommand(args, full);
    else await runAdminCommand(command, args, full);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      full.err(`error: ${error.message}`);
      full.err(`Run "npm run server -- help" for the options of ${command}.`);
      return 2;
    }
    full.err(
      `error: ${error instanceof KeywayError || error instanceof StorageError || !(error instanceof Error) ? messageOf(error) : error.message}`,
    );
    return 1;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
