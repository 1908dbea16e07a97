import { isLoopbackHost } from '../../../protocol/server-origin';

/**
 * Whether this copy of Keyway looks for updates, and where. Plain code so every branch is tested in Node
 * (test/unit/updates.test.ts); electron/main/updater.ts only hands the result to electron-updater.
 *
 * The feed is electron-updater's "generic" provider: a folder of `latest*.yml` files and the installers
 * they name, served by the Keyway server under `/updates/` (server/http/routes/updates.ts). The client
 * finds it from the server it already trusts: the machine policy's preset server, else the server the
 * user signed in to. Both come from places an attacker may have written (a settings file in the user's
 * profile), so the origin is parsed again here: https only, no credentials, no path.
 */

/** The path every Keyway server serves its update feed under. */
export const UPDATE_FEED_PATH = '/updates/';

/** What electron-updater's `setFeedURL` receives (its GenericServerOptions, restated so core needs no import). */
interface GenericFeed {
  readonly provider: 'generic';
  readonly url: string;
  /** `latest` (latest.yml, latest-mac.yml, latest-linux.yml…), or `beta`/`alpha` for pre-release builds. */
  readonly channel: UpdateChannel;
  /**
   * One byte range per request for differential downloads: the reference server (like most static
   * servers) answers a multi-range request with the whole file, which electron-updater rejects before
   * falling back to a full download (electron-updater/out/differentialDownloader/multipleRangeDownloader.js).
   */
  readonly useMultipleRangeRequest: false;
}

export type UpdateChannel = 'latest' | 'beta' | 'alpha';

export type UpdateDecision =
  | { readonly enabled: true; readonly feed: GenericFeed }
  | {
      readonly enabled: false;
      readonly reason: 'development' | 'policy' | 'no_server' | 'insecure_server';
      readonly detail: string;
    };

export interface UpdateDecisionInput {
  /** Electron's `app.isPackaged`: a development run (electron .) never updates itself. */
  readonly isPackaged: boolean;
  /** The machine policy's `disableAutoUpdate`, when the policy is valid and sets it. */
  readonly disableAutoUpdate: boolean | undefined;
  /** The machine policy's preset server (already an https origin when the policy is valid). */
  readonly presetServer: string | undefined;
  /** The server of the active profile, as the settings file says (untrusted text). */
  readonly activeOrigin: string | null | undefined;
  /** Electron's `app.getVersion()`: a pre-release version follows its own channel. */
  readonly appVersion: string;
  /**
   * The channel the organisation's deployment profile pushed (core/managed-config.ts `pushedUpdateChannel`),
   * or null/absent: the app's own. Never reached when the machine policy disables updates (checked first).
   */
  readonly pushedChannel?: UpdateChannel | null | undefined;
  /** Plain http to localhost/127.0.0.1/[::1] is accepted only here (tests of the wiring); never packaged. */
  readonly allowLoopbackHttp?: boolean;
}

export function decideUpdates(input: UpdateDecisionInput): UpdateDecision {
  if (!input.isPackaged) {
    return { enabled: false, reason: 'development', detail: 'not a packaged build: updates are off in development' };
  }
  if (input.disableAutoUpdate === true) {
    return { enabled: false, reason: 'policy', detail: 'the machine policy sets disableAutoUpdate' };
  }
  const source = input.presetServer ?? input.activeOrigin ?? null;
  if (source === null || source === '') {
    return { enabled: false, reason: 'no_server', detail: 'no server yet: nobody has signed in on this computer' };
  }
  const origin = feedOrigin(source, input.allowLoopbackHttp === true);
  if (origin === null) {
    return {
      enabled: false,
      reason: 'insecure_server',
      detail: 'the server address is not an https origin, so no update is fetched from it',
    };
  }
  return {
    enabled: true,
    feed: {
      provider: 'generic',
      url: `${origin}${UPDATE_FEED_PATH}`,
      channel: input.pushedChannel ?? channelFor(input.appVersion),
      useMultipleRangeRequest: false,
    },
  };
}

/** The origin to fetch updates from, or null when the text is not a plain https origin. */
export function feedOrigin(text: string, allowLoopbackHttp: boolean): string | null {
  if (text.length > 2048) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  const loopbackHttp = url.protocol === 'http:' && allowLoopbackHttp && isLoopbackHost(url.hostname);
  if (url.protocol !== 'https:' && !loopbackHttp) return null;
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') return null;
  if (url.pathname !== '/' || url.hostname === '') return null;
  return url.origin;
}

const VERSION = /^\d+\.\d+\.\d+(?:-([0-9A-Za-z-]+)(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * `1.2.3` follows `latest`; `1.3.0-beta.2` follows `beta` (and so also sees newer releases, as
 * electron-updater's channel file for beta lists them); anything else it cannot read follows `latest`.
 */
export function channelFor(version: string): UpdateChannel {
  const match = VERSION.exec(version);
  const tag = match?.[1]?.toLowerCase();
  return tag === 'beta' || tag === 'alpha' ? tag : 'latest';
}
