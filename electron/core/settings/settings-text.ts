import { KeywayError } from '../../../protocol/errors';
import { migrateSettings } from './migrations';
import { SETTINGS_VERSION, Settings } from './schema';

/** What a settings file's text holds: usable settings, or damage (and what kind, for the log). */
export type ParsedSettings =
  { readonly kind: 'good'; readonly settings: Settings } | { readonly kind: 'damaged'; readonly reason: string };

/**
 * Reads a settings file's text. Empty, truncated, non-JSON and schema-invalid files are damaged (the
 * caller restores the last good copy); a file from a newer Keyway is not damaged but not ours to
 * rewrite, so it is refused with `settings_corrupt` and left exactly as it is.
 */
export function parseSettingsText(text: string): ParsedSettings {
  if (text.trim() === '') return { kind: 'damaged', reason: 'the file is empty' };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { kind: 'damaged', reason: 'the file is not complete JSON (truncated or overwritten)' };
  }
  const version = typeof raw === 'object' && raw !== null ? (raw as { version?: unknown }).version : undefined;
  if (typeof version === 'number' && version > SETTINGS_VERSION) {
    throw new KeywayError(
      'settings_corrupt',
      `The settings were written by a newer Keyway (version ${version}). Please update Keyway.`,
    );
  }
  // An empty object is a fresh installation for migrateSettings; in a file that once held settings
  // it means the content was lost.
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || Object.keys(raw).length === 0) {
    return { kind: 'damaged', reason: 'the file does not hold settings' };
  }
  try {
    return { kind: 'good', settings: migrateSettings(raw) };
  } catch (error) {
    return { kind: 'damaged', reason: error instanceof Error ? error.message : 'the settings are invalid' };
  }
}

/** The file's text for `settings`, validated first: Keyway never writes a file it could not read back. */
export function serializeSettings(settings: Settings): string {
  const checked = Settings.safeParse(settings);
  if (!checked.success) {
    throw new KeywayError('internal', 'Keyway refused to save settings that do not match their schema.', {
      cause: checked.error,
    });
  }
  return `${JSON.stringify(checked.data, null, 2)}\n`;
}
