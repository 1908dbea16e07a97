import path from 'node:path';
import type { RecoveryCodesFile } from '../core/onboarding/recovery-codes/file';

/**
 * "Save as text file" and "Print" for recovery codes, as pure decisions: main.ts only wires them to
 * `dialog.showSaveDialog`, `fs.writeFile` and `webContents.print`.
 */

/** The save dialog's options: the proposed name (core built it from the host, safe characters only) and a .txt filter. */
export function saveDialogOptions(
  file: RecoveryCodesFile,
  documentsDir: string,
): { defaultPath: string; filters: { name: string; extensions: string[] }[] } {
  return {
    defaultPath: path.join(documentsDir, path.basename(file.name)),
    filters: [{ name: 'Text', extensions: ['txt'] }],
  };
}

/**
 * Where to write, from what the dialog answered, or null to write nothing. Electron resolves
 * `{ canceled, filePath }`, `filePath` being '' when cancelled
 * (https://www.electronjs.org/docs/latest/api/dialog#dialogshowsavedialogwindow-options); anything but an
 * absolute path is refused rather than resolved against the working directory.
 */
export function saveTarget(answer: {
  readonly canceled: boolean;
  readonly filePath?: string | undefined;
}): string | null {
  if (answer.canceled) return null;
  const filePath = answer.filePath ?? '';
  if (filePath === '' || filePath.includes('\0') || !path.isAbsolute(filePath)) return null;
  return filePath;
}

/**
 * What `webContents.print`'s callback means: `(success, failureReason)`, where a cancelled print dialog
 * is `success` false with "Print job canceled"
 * (https://www.electronjs.org/docs/latest/api/web-contents#contentsprintoptions-callback). Cancelling is
 * the user's choice (false); any other failure is an error worth saying.
 */
export function printOutcome(success: boolean, failureReason: string): { printed: boolean; error: string | null } {
  if (success) return { printed: true, error: null };
  if (/cancel/i.test(failureReason)) return { printed: false, error: null };
  return { printed: false, error: failureReason || 'Printing failed.' };
}
