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
    channel: { totp: 'Authenticator app', email: 'Code by e-mail', sms: 'Code by text message' },
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

  failureTitle: 'Keyway could not show this screen',
  startAgain: 'Start again',
  resumeFailedTitle: 'Could not sign you in',
  retry: 'Try again',
  usePassword: 'Sign in with password',

  homeTitle: 'You are signed in',
  homeUser: 'Signed in as',
  homeServer: 'Server',
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
   * One message per error code (protocol/errors.ts), for languages other than English: core words its
   * errors in English with specifics (the host, the wrong character), and English shows that text as is.
   */
  errors: {
    retryAfter: 'Try again in {{duration}}.',
    invalid_input: 'Check what you entered and try again.',
    internal: 'Something went wrong inside Keyway. Please try again.',
    not_found: 'Keyway could not find what it was looking for. Please try again.',
    ipc_untrusted_sender: 'Keyway refused a request from a page it does not know.',
    ipc_unknown_command: 'Keyway did not understand that request. Please restart Keyway.',
    code_malformed: 'This is not a valid authentication code. Check that you copied all of it.',
    code_checksum: 'This code has a typo. Check it against the e-mail and try again.',
    link_malformed: 'This is not a valid Keyway link or code.',
    link_too_long:
      'This link is far too long to be a Keyway link. Open the link from your deployment e-mail again, or paste its code.',
    link_wrong_scheme: 'This is not a Keyway link. Paste the link or the code from your deployment e-mail.',
    link_mismatch: 'This link names a different server than the page it came from, so it was refused.',
    server_insecure: 'Keyway only connects to secure (https) servers.',
    server_not_allowed: 'Your organization’s policy does not allow this server. Ask your IT department.',
    deployment_unknown: 'The server does not know this link or code. Ask your IT department for a new one.',
    deployment_expired: 'This link or code has expired. Ask your IT department for a new one.',
    deployment_used: 'This link or code has already been used. Ask your IT department for a new one.',
    server_unreachable: 'Keyway cannot reach the server. Check your network connection and try again.',
    server_tls: 'Keyway did not connect: the server’s security certificate is not trusted. Ask your IT department.',
    server_bad_response: 'The server gave an answer Keyway does not understand. Try again later.',
    server_timeout: 'The server took too long to answer. Try again.',
    invalid_credentials: 'The login ID or the password is wrong.',
    account_locked: 'Your account is locked for a while after too many failed attempts.',
    rate_limited: 'Too many attempts. Please wait a moment.',
    password_rejected: 'This password does not meet the password rules.',
    session_invalid: 'Your session has ended. Please sign in again.',
    unauthorized: 'You are not signed in any more. Please sign in again.',
    mfa_code_invalid: 'This code is wrong. Check it and try again.',
    mfa_code_expired: 'This code has expired. Send a new one.',
    mfa_code_used: 'This code has already been used. Wait for the next one.',
    mfa_too_many_attempts: 'Too many wrong codes. Please sign in again.',
    mfa_resend_too_soon: 'Wait a moment before sending a new code.',
    mfa_challenge_expired: 'Confirming took too long. Please sign in again.',
    mfa_channel_not_allowed: 'Your organization does not allow this way of confirming.',
    reauthentication_required: 'The password is wrong. Enter your password again to continue.',
    password_reset_disabled: 'This server does not offer password reset. Ask your IT department for a new password.',
    discovery_failed: 'Keyway could not find out how you sign in. Try again later.',
    oidc_state_mismatch: 'The browser returned a sign-in that Keyway did not start, so it was refused. Try again.',
    oidc_issuer_mismatch: 'The sign-in came back from a different identity provider, so it was refused.',
    oidc_error: 'Your identity provider refused the sign-in.',
    oidc_cancelled: 'The sign-in was cancelled. Try again when you are ready.',
    oidc_timeout: 'The sign-in in the browser took too long. Try again.',
    oidc_exchange_failed: 'Your identity provider did not complete the sign-in. Try again.',
    oidc_loopback_unavailable: 'Keyway could not listen for the browser on this computer.',
    manual_login_disabled: 'Manual login is turned off by your organization’s policy.',
    unified_login_required: 'Your organization’s policy allows sign-in only through its identity provider.',
    keychain_unavailable: 'The system keychain is not available, so Keyway cannot keep you signed in.',
    keychain_locked: 'Your system keychain is locked, so Keyway cannot keep you signed in. Unlock it, then try again.',
    settings_corrupt: 'Keyway cannot read its settings file.',
    settings_restored: 'Keyway’s settings file was damaged; the last good copy was restored.',
    settings_unwritable:
      'Keyway could not save its settings. Free some disk space or check the folder’s permissions, then try again.',
    update_not_ready: 'No update has been downloaded yet, so there is nothing to install.',
  },
} as const;

export type Strings = typeof en;
