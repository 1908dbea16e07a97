/**
 * English strings: the source every translation (fr.ts, de.ts) mirrors key for key. Every user-visible
 * word of the client lives here. Placeholders are i18next's `{{name}}`; the values are filled in by
 * React's text rendering, never parsed as markup.
 */
export const en = {
  appName: 'Keyway',
  loading: 'Starting Keyway…',
  disconnected: 'Lost the connection to Keyway. Reconnecting…',
  failed: 'Keyway could not do that. Please try again.',

  welcomeTitle: 'Welcome to Keyway',
  welcomeLead: 'Paste the link or the authentication code from your deployment e-mail.',
  welcomeFieldLabel: 'Deployment link or authentication code',
  welcomeFieldPlaceholder: 'keyway://… or XXXXX-XXXXX-…',
  apply: 'Apply',
  managedBy: 'Managed by your organization:',

  progress: {
    starting: 'Starting Keyway…',
    redeeming: 'Fetching your configuration from {{host}}…',
    discovering: 'Finding out how you sign in at {{host}}…',
    signingIn: 'Signing you in to {{host}}…',
    resuming: 'Signing you in to {{host}}…',
    signingOut: 'Signing out of {{host}}…',
    forgetting: 'Removing {{host}} from this computer…',
  },

  confirmTitle: 'Connect to this server?',
  confirmLead:
    'Keyway will connect to the server below and trust it with your sign-in. Continue only if your IT department told you to use it.',
  confirmInsecure: 'This is a development server on this computer; the connection is not encrypted.',
  continue: 'Continue',
  cancel: 'Cancel',

  importTitle: 'Bring your settings along?',
  importLead:
    'Keyway already has a profile on this computer. You can carry its settings over to {{server}}, or start fresh.',
  importFrom: 'Import from {{server}} ({{loginId}})',
  startFresh: 'Start fresh',

  licenseTitle: 'License agreement',
  licenseLead: '{{server}} asks you to accept its license (version {{version}}).',
  licenseUpdated:
    'The license of {{server}} has changed (now version {{version}}). Please read and accept it to continue.',
  licenseTextLabel: 'License text',
  accept: 'Accept',
  decline: 'Decline',

  passwordTitle: 'Enter your password',
  passwordLead: 'Signing in to {{host}} as {{loginId}}.',
  passwordLabel: 'Password',
  passwordHint: 'On first sign-in, use the password from your welcome e-mail.',
  showPassword: 'Show password',
  hidePassword: 'Hide password',
  back: 'Back',

  manualTitle: 'Manual login',
  manualLead: 'Enter your server and your e-mail address or login ID.',
  manualHostLabel: 'Server',
  manualHostPlaceholder: 'keyway.example.com',
  loginIdLabel: 'E-mail or login ID',
  loginIdPlaceholder: 'ana@example.com',
  next: 'Next',

  loginIdTitle: 'Sign in',
  loginIdLead: 'Sign in to {{host}} with your e-mail address or login ID.',

  browserTitle: 'Continue in your browser',
  browserLead:
    'Keyway opened your browser at {{idp}} so you can sign in as {{loginId}}. Come back here when you are done.',
  browserWaiting: 'Waiting for your browser…',
  browserReopen: 'Open the browser again',
  useDevice: 'Sign in on another device',
  deviceLead: 'On any device, open {{url}} and enter this code:',

  mfa: {
    title: 'Confirm it is you',
    lead: 'One more step to sign in to {{host}} as {{loginId}}.',
    chooseLegend: 'How do you want to confirm?',
    channel: { totp: 'Authenticator app', email: 'Code by e-mail', sms: 'Code by text message', passkey: 'Passkey' },
    smsRisk: 'Text messages can be intercepted or redirected to another phone. An authenticator app is safer.',
    enrollLead:
      'Scan this QR code with your authenticator app (for example Microsoft or Google Authenticator), then enter the code it shows.',
    qrAlt: 'QR code for your authenticator app',
    secretLead: 'Cannot scan? Enter this key in the app instead:',
    copySecret: 'Copy key',
    sent: 'We sent a code to {{hint}}.',
    expiresIn: 'It expires in {{time}}.',
    expired: 'It has expired: send a new one.',
    totpPrompt: 'Enter the six-digit code from your authenticator app',
    codePrompt: 'Enter the six-digit code',
    remember: 'Remember this device for {{days}} days',
    resend: 'Send a new code',
    resendIn: 'Send a new code ({{time}})',
  },

  security: {
    open: 'Sign-in security',
    title: 'Sign-in security',
    authenticators: 'Authenticator apps',
    noAuthenticators: 'No authenticator app yet.',
    added: 'added {{date}}',
    add: 'Add an authenticator app',
    remove: 'Remove',
    reauth: 'Enter your password to continue',
    devices: 'Remembered devices',
    noDevices: 'No device is remembered.',
    thisDevice: 'this device',
    trustedUntil: 'trusted until {{date}}',
    forgetDevice: 'Forget',
  },

  passkey: {
    lead: 'Your browser opens so you can use your passkey (fingerprint, face, PIN or security key). Then come back here.',
    use: 'Use a passkey',
    title: 'Continue in your browser',
    signInLead:
      'Keyway opened your browser at {{host}} so you can confirm it is you with your passkey, as {{loginId}}. Come back here when you are done.',
    addLead:
      'Keyway opened your browser at {{host}} so you can add a passkey for {{loginId}}. Come back here when you are done.',
    listTitle: 'Passkeys',
    none: 'No passkey yet.',
    add: 'Add a passkey',
    created: 'added {{date}}',
    lastUsed: 'last used {{date}}',
    neverUsed: 'not used yet',
  },

  recovery: {
    use: 'Use a recovery code',
    fieldLabel: 'Recovery code',
    fieldHint: 'One of the codes you saved when you set up your second factor, like abcd-efgh-jkmn. Each works once.',
    submit: 'Sign in with this code',
    homeLeft: 'Recovery codes left: {{count}}. Get new ones before you run out.',
    homeNone: 'You have no recovery codes left. Get new ones in case you lose your phone.',
    homeAction: 'Sign-in security',
    title: 'Save your recovery codes',
    lead: 'If you lose your phone, each of these codes signs you in once as {{loginId}} on {{host}}. Keyway shows them only now: save, print or copy them, and keep them somewhere safe.',
    listLabel: 'Your recovery codes',
    copy: 'Copy',
    copied: 'Copied.',
    save: 'Save as text file',
    saved: 'Saved.',
    print: 'Print',
    continue: 'I saved them, continue',
    securityTitle: 'Recovery codes',
    securityLeft: 'Unused recovery codes: {{count}}.',
    securityNone: 'You have no recovery codes.',
    regenerate: 'Get new codes',
  },

  failureTitle: 'Keyway could not show this screen',
  startAgain: 'Start again',
  resumeFailedTitle: 'Could not sign you in',
  retry: 'Try again',
  usePassword: 'Sign in with password',

  homeTitle: 'You are signed in',
  homeUser: 'Signed in as',
  homeServer: 'Server',
  homeSettingsUpdated: "Your organisation updated Keyway's settings.",
  update: {
    ready: 'Keyway {{version}} is ready to install.',
    readyUnnamed: 'A new version of Keyway is ready to install.',
    restart: 'Restart to update',
  },
  signOut: 'Sign out',
  forget: 'Forget this server',
  forgetConfirm: 'Yes, remove {{host}} from this computer',
  forgetConfirmEverywhere: 'Yes, remove {{host}} from this computer and sign me out on its other devices too',

  forgotPassword: {
    link: 'Forgot your password?',
    sending: 'Asking the server for a reset link…',
    sent: 'If {{loginId}} has an account on this server, a link to choose a new password is on its way to the account’s e-mail address. It works for {{minutes}} minutes; then sign in here with the new password.',
  },

  oneTimePassword: {
    open: 'One-time password',
    title: 'One-time password',
    lead: 'For another service of {{host}} that asks for one, such as the VPN, as {{loginId}}.',
    reauth: 'Enter your password to get a one-time password',
    show: 'Show a one-time password',
    useAuthenticator: 'Use a code from my authenticator app instead',
    usePassword: 'Use my password instead',
    authenticatorPrompt: 'Enter the six-digit code from your authenticator app',
    loading: 'Getting ready…',
    issuing: 'Getting a one-time password…',
    valueLabel: 'Your one-time password',
    copy: 'Copy',
    copied: 'Copied',
    expiresIn: 'Expires in {{time}}',
    remaining: '{{seconds}} seconds left',
    once: 'It works once: type it where the other service asks for your password.',
    expired: 'This one-time password has expired.',
    again: 'Make a new one',
  },

  otp: {
    group: 'Six-digit code',
    digit: 'Digit {{index}} of {{total}}',
  },

  /** What IT manages through machine policy (see ManagedNote), one entry per policy setting. */
  managed: {
    presetServer: 'server ({{value}})',
    allowedServers: 'allowed servers ({{value}})',
    disableManualLogin: 'manual login is off',
    disableImport: 'import is off',
    forceUnifiedLogin: 'sign-in only through the identity provider',
    defaultLanguage: 'language ({{value}})',
  },

  /**
   * English shows core's own words for an error (they name the host, the wrong character), so it needs a
   * message only for what the renderer refuses by itself. French and German word every code (translation.ts).
   */
  errors: {
    link_too_long:
      'This link is far too long to be a Keyway link. Open the link from your deployment e-mail again, or paste its code.',
  },
} as const;
