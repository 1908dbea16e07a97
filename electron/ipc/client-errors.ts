import { z } from 'zod';
import { FormatErrorCode, WireErrorCode } from '../../protocol/errors';

/**
 * The codes only the client raises: the server never sends them (the client refuses them from a server:
 * protocol's Problem accepts wire codes only) and cannot name them. They live here, not in core, because
 * every client layer must know them: ipc itself (`ipc_unknown_command`), main (`ipc_untrusted_sender`),
 * core (the rest) and the renderer that words them; ipc is the one layer all of those may import, and the
 * server may not (eslint/boundaries.mjs).
 */
export const ClientErrorCode = z.enum([
  // IPC (electron/ipc/dispatcher.ts, electron/main)
  'ipc_untrusted_sender',
  'ipc_unknown_command',
  // Machine policy (core/policy.ts)
  'server_not_allowed',
  'manual_login_disabled',
  // Talking to the server, as the client sees it (core/net-error.ts, core/server-api)
  'server_unreachable',
  'server_tls',
  'server_bad_response',
  'server_timeout',
  // Unified login in the system browser (core/oidc, core/onboarding)
  'discovery_failed',
  'oidc_state_mismatch',
  'oidc_issuer_mismatch',
  'oidc_error',
  'oidc_cancelled',
  'oidc_timeout',
  'oidc_exchange_failed',
  'oidc_loopback_unavailable',
  // This machine (core/adapters, core/settings)
  'keychain_unavailable',
  'keychain_locked',
  'settings_corrupt',
  'settings_restored',
  'settings_unwritable',
  // Automatic updates (core/updates)
  'update_not_ready',
  // The passkey browser step (core/oidc/passkey-return.ts)
  'passkey_return_invalid',
  'passkey_step_failed',
]);
export type ClientErrorCode = z.infer<typeof ClientErrorCode>;

declare module '../../protocol/errors' {
  // Adds the client codes to protocol's ErrorCode in every program that includes this file. An empty
  // interface that extends is how declaration merging adds members.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ClientErrorCodes extends Readonly<Record<ClientErrorCode, true>> {}
}

/** Every code a user of the client can meet: the server's, protocol's parsers' and the client's own. */
export const ErrorCode = z.enum([...WireErrorCode.options, ...FormatErrorCode.options, ...ClientErrorCode.options]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** The error every client layer carries (protocol/errors.ts's KeywayErrorShape), checked at the IPC boundary. */
export const KeywayErrorShape = z.object({
  code: ErrorCode,
  message: z.string().min(1).max(2000),
  /** Seconds until trying again makes sense (rate limits, lock-outs). */
  retryAfter: z.number().int().nonnegative().optional(),
});
export type KeywayErrorShape = z.infer<typeof KeywayErrorShape>;
