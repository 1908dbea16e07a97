/** English strings. Every user-visible word lives here so a translation is one new file. */
export const en = {
  appName: 'Keyway',
  loading: 'Starting Keyway…',
  disconnected: 'Lost the connection to Keyway. Reconnecting…',
  welcomeTitle: 'Welcome to Keyway',
  welcomeLead: 'Paste the link or the authentication code from your deployment e-mail.',
  welcomeFieldLabel: 'Deployment link or authentication code',
  welcomeFieldPlaceholder: 'keyway://… or XXXXX-XXXXX-…',
  apply: 'Apply',
} as const;

export type Strings = typeof en;
