// Code signing and notarisation read their secrets from the environment only (never from
// electron-builder.yml): electron-builder picks these variables up itself. This module only decides what
// will happen and says so in one line, so an unsigned build is never a surprise. See build/README.md.

const present = (env, name) => typeof env[name] === 'string' && env[name].trim() !== '';
const anyOf = (env, names) => names.find((name) => present(env, name)) ?? null;

/**
 * What signing will do for one platform ('win32' | 'darwin' | 'linux'), from the environment alone.
 * Returns { sign, notarize, message } where message is the one line to print.
 */
export function signingPlan(platform, env = process.env) {
  if (platform === 'win32') {
    const certificate = anyOf(env, ['WIN_CSC_LINK', 'CSC_LINK']);
    const password = anyOf(env, ['WIN_CSC_KEY_PASSWORD', 'CSC_KEY_PASSWORD']);
    const azure = ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET'].every((name) => present(env, name));
    if (certificate !== null && password !== null) {
      return {
        sign: true,
        notarize: false,
        message: `Code signing (Windows): with the certificate from ${certificate}.`,
      };
    }
    if (azure) {
      return {
        sign: true,
        notarize: false,
        message: 'Code signing (Windows): Azure Trusted Signing credentials found.',
      };
    }
    const missing = certificate === null ? 'WIN_CSC_LINK (or CSC_LINK)' : 'WIN_CSC_KEY_PASSWORD (or CSC_KEY_PASSWORD)';
    return {
      sign: false,
      notarize: false,
      message: `Code signing (Windows): SKIPPED, ${missing} is not set; this build is unsigned (fine for testing, not for release).`,
    };
  }
  if (platform === 'darwin') {
    const identity = anyOf(env, ['CSC_LINK', 'CSC_NAME']);
    const notarize =
      ['APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER'].every((name) => present(env, name)) ||
      ['APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID'].every((name) => present(env, name)) ||
      ['APPLE_KEYCHAIN', 'APPLE_KEYCHAIN_PROFILE'].every((name) => present(env, name));
    const signing =
      identity !== null
        ? `signing with the identity from ${identity}`
        : 'signing SKIPPED unless a Developer ID identity is in the login keychain (set CSC_LINK + CSC_KEY_PASSWORD or CSC_NAME)';
    const notarizing = notarize
      ? 'notarising with the Apple credentials from the environment'
      : 'notarisation SKIPPED (set APPLE_API_KEY + APPLE_API_KEY_ID + APPLE_API_ISSUER, or APPLE_ID + APPLE_APP_SPECIFIC_PASSWORD + APPLE_TEAM_ID)';
    return { sign: identity !== null, notarize, message: `Code signing (macOS): ${signing}; ${notarizing}.` };
  }
  return {
    sign: false,
    notarize: false,
    message: 'Code signing (Linux): not applicable; sign the deb/rpm repository (apt/dnf) with your own keys.',
  };
}

const announced = new Set();

/** Prints the plan once per platform per build. */
export function announceSigning(platform, env = process.env, print = console.log) {
  if (announced.has(platform)) return;
  announced.add(platform);
  print(signingPlan(platform, env).message);
}
