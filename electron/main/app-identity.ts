/**
 * Who the app is to the operating system. The AppUserModelID must equal electron-builder.yml's appId:
 * electron-builder stamps that ID on the NSIS/MSI shortcuts, and Windows groups a window on the taskbar
 * and attributes its notifications by it (test/unit/main-startup.test.ts compares the two).
 */
export const APP_USER_MODEL_ID = 'dev.keyway.app';

/**
 * Whether and how the running process registers itself for keyway:// at run time. In a packaged build
 * never: the installers own registration (NSIS/MSI registry keys, Info.plist CFBundleURLTypes, the
 * .desktop MimeType) and remove it on uninstall; a registration written at run time (HKCU on Windows,
 * the user's mimeapps.list on Linux) would outlive the uninstall. In development (`process.defaultApp`,
 * the `electron .` binary) there is no installer, so the dev binary registers itself with the app's
 * absolute path (app.getAppPath(), never a relative "." that Windows would resolve against System32)
 * and "--", which ends option parsing so a crafted link can never be read as a switch.
 */
export function devProtocolRegistration(options: {
  readonly defaultApp: boolean;
  readonly execPath: string;
  readonly appPath: string;
}): { readonly executable: string; readonly args: readonly string[] } | null {
  if (!options.defaultApp) return null;
  return { executable: options.execPath, args: [options.appPath, '--'] };
}
