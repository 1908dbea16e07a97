import type { SignInMethod, UserSummary } from '../../../protocol/api';
import { defaultPreferences, type Profile, type Settings } from '../settings/schema';
import type { HomeInfo, PendingProfile, ProfileSummary } from './states';

/** Conversions between stored profiles and what the machine sees. No I/O. */

export const summary = (p: Profile): ProfileSummary => ({
  origin: p.origin,
  serverName: p.serverName,
  loginId: p.user.loginId,
  displayName: p.user.displayName,
  method: p.signIn.method,
  acceptedLicenseVersion: p.acceptedLicenseVersion,
  forgotPassword: p.features.forgotPassword,
});

export const summaries = (s: Settings): ProfileSummary[] => s.profiles.map(summary);

export const homeOf = (p: Profile): HomeInfo => ({
  origin: p.origin,
  serverName: p.serverName,
  loginId: p.user.loginId,
  displayName: p.user.displayName,
  email: p.user.email,
});

/** The profile a pending sign-in becomes once it succeeded, with preferences imported if chosen. */
export function profileFrom(pending: PendingProfile, user: UserSummary, settings: Settings, now: number): Profile {
  const source = settings.profiles.find((p) => p.origin === pending.importFrom);
  return {
    origin: pending.server.origin,
    serverName: pending.server.name,
    user,
    signIn: storedSignIn(pending.signIn),
    features: pending.features,
    acceptedLicenseVersion: pending.license.version,
    preferences: source ? { ...source.preferences } : { ...defaultPreferences },
    createdAt: now,
  };
}

/** Settings with `profile` stored (replacing any for its server) and made the active one. */
export function withProfile(settings: Settings, profile: Profile): Settings {
  return {
    ...settings,
    profiles: [...settings.profiles.filter((p) => p.origin !== profile.origin), profile],
    activeOrigin: profile.origin,
  };
}

/** How the profile signs in, without a deployment's one-time enrolment ticket: that is never written to disk. */
function storedSignIn(signIn: SignInMethod): SignInMethod {
  if (signIn.method === 'password') return signIn;
  const { issuer, clientId } = signIn;
  return { method: 'oidc', issuer, clientId };
}
