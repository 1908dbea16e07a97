import { randomBytes } from 'node:crypto';
import { KeywayError } from '../../../protocol/errors';
import { SETTINGS_VERSION, Settings } from './schema';

/**
 * Settings files are versioned. Each migration lifts version N to N+1; reading always returns the
 * current version, validated. A file from a newer Keyway is refused rather than half-understood.
 */
const migrations: Record<number, (raw: Record<string, unknown>) => Record<string, unknown>> = {
  // 0 is "no file yet or an empty object": start a fresh installation.
  0: () => ({ version: 1, installationId: newInstallationId(), profiles: [], activeOrigin: null }),
};

function newInstallationId(): string {
  return randomBytes(16).toString('base64url');
}

export function migrateSettings(raw: unknown): Settings {
  raw ??= {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new KeywayError('settings_corrupt', 'The settings file does not hold a settings object.');
  }
  let current = raw as Record<string, unknown>;
  let version = typeof current.version === 'number' ? current.version : 0;
  if (version > SETTINGS_VERSION) {
    throw new KeywayError(
      'settings_corrupt',
      `The settings were written by a newer Keyway (version ${version}). Please update Keyway.`,
    );
  }
  while (version < SETTINGS_VERSION) {
    const step = migrations[version];
    if (!step) throw new KeywayError('settings_corrupt', `No migration from settings version ${version}.`);
    current = step(current);
    version += 1;
  }
  const parsed = Settings.safeParse(current);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KeywayError(
      'settings_corrupt',
      `The settings file is invalid at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`,
    );
  }
  return parsed.data;
}
