import type { License } from '../../../../protocol/api';
import { welcome } from '../deployment/step';
import { continueAfter } from '../path';
import type { HomeScreen } from '../home/step';
import type { PendingProfile, ProfileSummary } from '../states';
import { go, never, type EffectResults, type StepDefinition } from '../step';

/**
 * The server's license: accepted before a new profile signs in (the new-profile path, path.ts), and
 * again after sign-in when the server's license changed since the user accepted it (licenseUpdate).
 */

export interface LicenseScreen {
  readonly kind: 'license';
  readonly pending: PendingProfile;
}
export interface LicenseUpdateScreen {
  readonly kind: 'licenseUpdate';
  readonly license: License;
  /**
   * Home as the sign-in left it (its notice, the recovery codes left), shown once the license is accepted:
   * the license step only stands in front of it and must not drop what the sign-in said.
   */
  readonly landing: HomeScreen;
}

export interface LicenseEffect {
  readonly type: 'acceptLicense';
  readonly origin: string;
  readonly version: string;
}

/** The one constructor of the License screen: every way to it (the path, Back from sign-in) uses it. */
export const licenseScreen = (pending: PendingProfile): LicenseScreen => ({ kind: 'license', pending });

/** After sign-in: the license to accept again, when the server's differs from the one this user accepted. */
export function changedLicense(license: License | null, acceptedVersion: string | null): License | null {
  return license === null || acceptedVersion === license.version ? null : license;
}

export const licenseStep: StepDefinition<LicenseScreen> = {
  on: (state, screen, event) => {
    if (event.type === 'license.accepted') return continueAfter('license', state, screen.pending);
    // Nothing was saved yet, so declining leaves nothing behind.
    if (event.type === 'license.declined') return go(state, welcome());
    return null;
  },
  view: (screen) => ({
    screen: 'license',
    serverName: screen.pending.server.name,
    ...screen.pending.license,
    isUpdate: false,
  }),
  acceptsLinks: never,
};

export const licenseUpdateStep: StepDefinition<LicenseUpdateScreen> = {
  on: (state, screen, event) => {
    if (event.type === 'license.accepted') {
      return go(state, screen.landing, {
        type: 'acceptLicense',
        origin: screen.landing.home.origin,
        version: screen.license.version,
      });
    }
    if (event.type === 'license.declined') {
      return go(
        state,
        { kind: 'signingOut', home: screen.landing.home, forget: false },
        { type: 'signOut', origin: screen.landing.home.origin, forget: false },
      );
    }
    return null;
  },
  view: (screen) => ({
    screen: 'license',
    serverName: screen.landing.home.serverName,
    ...screen.license,
    isUpdate: true,
  }),
  acceptsLinks: never,
};

/** What accepting a changed license becomes: the profiles with the new accepted version. */
export interface LicenseResultEvent {
  readonly type: 'profiles.changed';
  readonly profiles: readonly ProfileSummary[];
}

export const licenseResults: EffectResults<
  LicenseEffect,
  { readonly acceptLicense: readonly ProfileSummary[] },
  LicenseResultEvent
> = {
  acceptLicense: {
    done: (profiles: readonly ProfileSummary[]) => ({ type: 'profiles.changed', profiles }),
    // The user is on Home already; the stored version stays the old one, so the next sign-in asks again.
    failed: () => null,
  },
};
