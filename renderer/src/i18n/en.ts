/** English strings. Every user-visible word lives here so a translation is one new file. */
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
    redeeming: 'Fetching your configuration from {host}…',
    discovering: 'Finding out how you sign in at {host}…',
    signingIn: 'Signing you in to {host}…',
    resuming: 'Signing you in to {host}…',
    signingOut: 'Signing out of {host}…',
    forgetting: 'Removing {host} from this computer…',
  },

  confirmTitle: 'Connect to this server?',
  confirmLead:
    'Keyway will connect to the server below and trust it with your sign-in. Continue only if your IT department told you to use it.',
  confirmInsecure: 'This is a development server on this computer; the connection is not encrypted.',
  continue: 'Continue',
  cancel: 'Cancel',

  importTitle: 'Bring your settings along?',
  importLead:
    'Keyway already has a profile on this computer. You can carry its settings over to {server}, or start fresh.',
  importFrom: 'Import from {server} ({loginId})',
  startFresh: 'Start fresh',

  licenseTitle: 'License agreement',
  licenseLead: '{server} asks you to accept its license (version {version}).',
  licenseUpdated: 'The license of {server} has changed (now version {version}). Please read and accept it to continue.',
  licenseTextLabel: 'License text',
  accept: 'Accept',
  decline: 'Decline',

  passwordTitle: 'Enter your password',
  passwordLead: 'Signing in to {host} as {loginId}.',
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
  loginIdLead: 'Sign in to {host} with your e-mail address or login ID.',

  browserTitle: 'Continue in your browser',
  browserLead: 'Keyway opened your browser at {idp} so you can sign in as {loginId}. Come back here when you are done.',
  browserWaiting: 'Waiting for your browser…',
  browserReopen: 'Open the browser again',
  useDevice: 'Sign in on another device',
  deviceLead: 'On any device, open {url} and enter this code:',

  mfa: {
    title: 'Confirm it is you',
    lead: 'One more step to sign in to {host} as {loginId}.',
    chooseLegend: 'How do you want to confirm?',
    channel: { totp: 'Authenticator app', email: 'Code by e-mail', sms: 'Code by text message' },
    smsRisk: 'Text messages can be intercepted or redirected to another phone. An authenticator app is safer.',
    enrollLead:
      'Scan this QR code with your authenticator app (for example Microsoft or Google Authenticator), then enter the code it shows.',
    qrAlt: 'QR code for your authenticator app',
    secretLead: 'Cannot scan? Enter this key in the app instead:',
    copySecret: 'Copy key',
    sent: 'We sent a code to {hint}.',
    expiresIn: 'It expires in {time}.',
    expired: 'It has expired: send a new one.',
    totpPrompt: 'Enter the six-digit code from your authenticator app',
    codePrompt: 'Enter the six-digit code',
    remember: 'Remember this device for {days} days',
    resend: 'Send a new code',
    resendIn: 'Send a new code ({time})',
  },

  security: {
    open: 'Sign-in security',
    title: 'Sign-in security',
    authenticators: 'Authenticator apps',
    noAuthenticators: 'No authenticator app yet.',
    added: 'added {date}',
    add: 'Add an authenticator app',
    remove: 'Remove',
    reauth: 'Enter your password to continue',
    devices: 'Remembered devices',
    noDevices: 'No device is remembered.',
    thisDevice: 'this device',
    trustedUntil: 'trusted until {date}',
    forgetDevice: 'Forget',
  },

  resumeFailedTitle: 'Could not sign you in',
  retry: 'Try again',
  usePassword: 'Sign in with password',

  homeTitle: 'You are signed in',
  homeUser: 'Signed in as',
  homeServer: 'Server',
  signOut: 'Sign out',
  forget: 'Forget this server',
  forgetConfirm: 'Yes, remove {host} from this computer',
} as const;

export type Strings = typeof en;
