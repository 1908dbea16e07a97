import type { RecoveryCodeList } from '../../../../protocol/mfa';

/** The text file "Save as text file" writes (Electron: main's save dialog; the harness: a download). */
export interface RecoveryCodesFile {
  readonly name: string;
  readonly text: string;
}

/**
 * Builds the file of recovery codes: a name from the server's host (only letters, digits, dots and
 * dashes survive, so a hostile host cannot steer the path the save dialog proposes) and a text that says
 * what the codes are for. Pure: the same codes and host give the same file.
 */
export function recoveryCodesFile(
  codes: RecoveryCodeList,
  where: { readonly serverHost: string; readonly loginId: string },
): RecoveryCodesFile {
  const host =
    where.serverHost
      .toLowerCase()
      .replace(/[^a-z0-9.-]+/g, '-')
      .replace(/\.{2,}/g, '.')
      .replace(/^[.-]+|[.-]+$/g, '')
      .slice(0, 60) || 'server';
  const text = [
    `Keyway recovery codes for ${oneLine(where.loginId)} on ${oneLine(where.serverHost)}`,
    '',
    'Each code signs you in once instead of your second factor (for example when you lose your phone).',
    'Keep them somewhere safe. Getting new codes in Sign-in security makes these stop working.',
    '',
    ...codes,
    '',
  ].join('\n');
  return { name: `keyway-recovery-codes-${host}.txt`, text };
}

/** A value from elsewhere, kept on one line of the file. */
const oneLine = (value: string): string => value.replace(/[\r\n\u2028\u2029]+/g, ' ').slice(0, 254);
