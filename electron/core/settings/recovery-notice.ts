import type { KeywayErrorShape } from '../../../protocol/errors';
import type { SettingsRecovery } from '../ports';

/** What the user is told, once, after Keyway found its settings file damaged at start. */
export function recoveryNotice(recovery: SettingsRecovery | null): KeywayErrorShape | null {
  if (recovery === null) return null;
  const kept =
    recovery.damagedCopy === null
      ? ''
      : ` The damaged file was kept as ${recovery.damagedCopy} for your IT department.`;
  if (recovery.outcome === 'restored' && recovery.savedAt !== null) {
    return {
      code: 'settings_restored',
      message: `Keyway’s settings file was damaged; the last good copy from ${when(recovery.savedAt)} was restored.${kept}`,
    };
  }
  return {
    code: 'settings_corrupt',
    message: `Keyway’s settings file was damaged and no good copy was found, so Keyway started fresh: open your deployment link again to add your server.${kept}`,
  };
}

function when(epochMs: number): string {
  return new Date(epochMs).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}
