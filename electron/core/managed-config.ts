import type { ClientConfig } from '../../protocol/client-config';
import type { UiLanguage } from '../ipc/view';
import { chooseLanguage } from './language';
import type { Policy } from './ports';

/**
 * What the organisation's deployment profile pushes to this client (protocol/client-config.ts), and how
 * it meets the machine policy. Precedence, strongest first: machine policy (IT on this computer) >
 * the server's pushed profile > the operating system > Keyway's defaults. Plain functions: the
 * onboarding service stores the result, Home announces it, main hands the update channel on.
 */

/** A session answer's `config`: absent (a server without profiles), null (no profile), or a pushed one. */
export type ReceivedConfig = ClientConfig | null | undefined;

export interface ManagedConfigUpdate {
  /** What the profile keeps from now on (undefined: nothing pushed). */
  readonly stored: ClientConfig | undefined;
  /** True when the organisation's settings differ from what this client had applied. */
  readonly changed: boolean;
}

/** The config to keep after a session answer, and whether it is a change (a new push, or none any more). */
export function receiveConfig(stored: ClientConfig | undefined, received: ReceivedConfig): ManagedConfigUpdate {
  // A server that predates profiles says nothing: keep what was pushed before.
  if (received === undefined) return { stored, changed: false };
  if (received === null) return { stored: undefined, changed: stored !== undefined };
  return { stored: received, changed: stored?.version !== received.version };
}

/**
 * The pushed language, when it is the one Keyway speaks: not when the machine policy names a language
 * Keyway speaks (the policy wins), nor when nothing was pushed.
 */
export function pushedLanguageInForce(policy: Policy, pushed: string | undefined): UiLanguage | null {
  if (pushed === undefined) return null;
  const choice = chooseLanguage({ policy: policy.defaultLanguage, organisation: pushed });
  return choice.source === 'organisation' ? choice.language : null;
}

/**
 * The update channel the profile asks for, unless the machine policy turns updates off (then none is
 * followed at all, electron/core/updates/update-decision.ts). Null: follow the app's own channel.
 */
export function pushedUpdateChannel(
  disableAutoUpdate: boolean | undefined,
  config: ClientConfig | undefined,
): 'latest' | 'beta' | 'alpha' | null {
  if (disableAutoUpdate === true) return null;
  return config?.settings.updateChannel ?? null;
}
