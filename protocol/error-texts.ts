import type { WireErrorCode } from './errors';

/** The languages the wire-error texts are written in: those of the client and of the server's pages. */
export type ErrorTextLanguage = 'en' | 'fr' | 'de';

/**
 * What a person reads for each code the server sends, in English, French and German: the one table both
 * sides word a wire refusal from. The server's French and German pages (server/http/page-messages.ts) and
 * the client's French and German screens (renderer/src/i18n, through electron/ipc/error-texts.ts) show
 * these texts; English screens and pages show the raiser's own, more specific English (the host, the
 * number of tries left), so the English column is the source the translations mirror.
 *
 * The texts must read right on both sides: a code such as `internal` or `unified_login_required` is also
 * raised by the client itself, so no text says which side failed. They carry no placeholder (the server
 * fills `{name}`, i18next `{{name}}`), and no advice on when to try again: the client appends that from
 * the error's `retryAfter`.
 *
 * `Record<WireErrorCode, …>`: a wire code added to protocol/errors.ts without its three texts does not
 * compile.
 */
const WIRE_ERROR_TEXTS: Readonly<Record<WireErrorCode, Readonly<Record<ErrorTextLanguage, string>>>> = {
  invalid_input: {
    en: 'Check what you entered and try again.',
    fr: 'Vérifiez votre saisie et réessayez.',
    de: 'Überprüfen Sie Ihre Eingabe und versuchen Sie es erneut.',
  },
  internal: {
    en: 'Something went wrong. Please try again.',
    fr: 'Une erreur s’est produite. Veuillez réessayer.',
    de: 'Ein Fehler ist aufgetreten. Bitte versuchen Sie es erneut.',
  },
  not_found: {
    en: 'What you are looking for does not exist, or no longer exists.',
    fr: 'Ce que vous cherchez n’existe pas ou plus.',
    de: 'Das Gesuchte gibt es nicht (mehr).',
  },
  code_malformed: {
    en: 'This is not a valid authentication code. Check that you copied all of it.',
    fr: 'Ce code d’authentification n’est pas valide. Vérifiez que vous l’avez copié en entier.',
    de: 'Dies ist kein gültiger Authentifizierungscode. Prüfen Sie, ob Sie ihn vollständig kopiert haben.',
  },
  code_checksum: {
    en: 'This code has a typo. Compare it with the e-mail and try again.',
    fr: 'Ce code contient une faute de frappe. Comparez-le avec l’e-mail et réessayez.',
    de: 'Dieser Code enthält einen Tippfehler. Vergleichen Sie ihn mit der E-Mail und versuchen Sie es erneut.',
  },
  deployment_unknown: {
    en: 'The server does not know this link or code. Ask your IT department for a new one.',
    fr: 'Le serveur ne reconnaît pas ce lien ou ce code. Demandez-en un nouveau à votre service informatique.',
    de: 'Der Server kennt diesen Link oder Code nicht. Bitten Sie Ihre IT-Abteilung um einen neuen.',
  },
  deployment_expired: {
    en: 'This link or code has expired. Ask your IT department for a new one.',
    fr: 'Ce lien ou ce code a expiré. Demandez-en un nouveau à votre service informatique.',
    de: 'Dieser Link oder Code ist abgelaufen. Bitten Sie Ihre IT-Abteilung um einen neuen.',
  },
  deployment_used: {
    en: 'This link or code has already been used. Ask your IT department for a new one.',
    fr: 'Ce lien ou ce code a déjà été utilisé. Demandez-en un nouveau à votre service informatique.',
    de: 'Dieser Link oder Code wurde bereits verwendet. Bitten Sie Ihre IT-Abteilung um einen neuen.',
  },
  invalid_credentials: {
    en: 'The login ID or password is wrong.',
    fr: 'L’identifiant ou le mot de passe est incorrect.',
    de: 'Die Anmelde-ID oder das Passwort ist falsch.',
  },
  account_locked: {
    en: 'Your account is locked for now after too many failed attempts.',
    fr: 'Votre compte est temporairement verrouillé après trop de tentatives infructueuses.',
    de: 'Ihr Konto ist nach zu vielen Fehlversuchen vorübergehend gesperrt.',
  },
  rate_limited: {
    en: 'Too many attempts. Please wait a moment.',
    fr: 'Trop de tentatives. Veuillez patienter un instant.',
    de: 'Zu viele Versuche. Bitte warten Sie einen Moment.',
  },
  password_rejected: {
    en: 'This password does not meet the password rules. Choose another one.',
    fr: 'Ce mot de passe ne respecte pas les règles relatives aux mots de passe. Choisissez-en un autre.',
    de: 'Dieses Passwort erfüllt die Passwortregeln nicht. Wählen Sie ein anderes.',
  },
  session_invalid: {
    en: 'Your session has ended. Please sign in again.',
    fr: 'Votre session a pris fin. Veuillez vous reconnecter.',
    de: 'Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.',
  },
  unauthorized: {
    en: 'Your sign-in is no longer valid. Please sign in again.',
    fr: 'Votre connexion n’est plus valide. Veuillez vous reconnecter.',
    de: 'Sie sind nicht mehr angemeldet. Bitte melden Sie sich erneut an.',
  },
  unified_login_required: {
    en: 'Your organization allows sign-in only through its identity provider, not with a password.',
    fr: 'Votre organisation n’autorise la connexion que via son fournisseur d’identité, pas avec un mot de passe.',
    de: 'Ihre Organisation erlaubt die Anmeldung nur über ihren Identitätsanbieter, nicht mit einem Passwort.',
  },
  account_locked_by_admin: {
    en: 'Your account is locked. Contact your administrator.',
    fr: 'Votre compte est verrouillé. Contactez votre administrateur.',
    de: 'Ihr Konto ist gesperrt. Wenden Sie sich an Ihren Administrator.',
  },
  mfa_code_invalid: {
    en: 'This code is wrong. Check it and try again.',
    fr: 'Ce code est incorrect. Vérifiez-le et réessayez.',
    de: 'Dieser Code ist falsch. Prüfen Sie ihn und versuchen Sie es erneut.',
  },
  mfa_code_expired: {
    en: 'This code has expired. Ask for a new one.',
    fr: 'Ce code a expiré. Demandez-en un nouveau.',
    de: 'Dieser Code ist abgelaufen. Fordern Sie einen neuen an.',
  },
  mfa_code_used: {
    en: 'This code has already been used. Wait for the next one.',
    fr: 'Ce code a déjà été utilisé. Attendez le suivant.',
    de: 'Dieser Code wurde bereits verwendet. Warten Sie auf den nächsten.',
  },
  mfa_too_many_attempts: {
    en: 'Too many wrong codes. Please sign in again.',
    fr: 'Trop de codes incorrects. Veuillez vous reconnecter.',
    de: 'Zu viele falsche Codes. Bitte melden Sie sich erneut an.',
  },
  mfa_resend_too_soon: {
    en: 'Wait a moment before asking for a new code.',
    fr: 'Patientez un instant avant de demander un nouveau code.',
    de: 'Warten Sie einen Moment, bevor Sie einen neuen Code anfordern.',
  },
  mfa_challenge_expired: {
    en: 'Confirming took too long. Please sign in again.',
    fr: 'La confirmation a pris trop de temps. Veuillez vous reconnecter.',
    de: 'Die Bestätigung hat zu lange gedauert. Bitte melden Sie sich erneut an.',
  },
  mfa_channel_not_allowed: {
    en: 'Your organization does not allow this way of confirming.',
    fr: 'Votre organisation n’autorise pas ce mode de confirmation.',
    de: 'Ihre Organisation lässt diese Art der Bestätigung nicht zu.',
  },
  reauthentication_required: {
    en: 'The password is wrong. Enter your password again to continue.',
    fr: 'Le mot de passe est incorrect. Saisissez de nouveau votre mot de passe pour continuer.',
    de: 'Das Passwort ist falsch. Geben Sie Ihr Passwort erneut ein, um fortzufahren.',
  },
  password_reset_disabled: {
    en: 'This server does not offer password reset. Ask your IT department for a new password.',
    fr: 'Ce serveur ne propose pas la réinitialisation du mot de passe. Demandez un nouveau mot de passe à votre service informatique.',
    de: 'Dieser Server bietet kein Zurücksetzen des Passworts an. Bitten Sie Ihre IT-Abteilung um ein neues Passwort.',
  },
  return_uri_invalid: {
    en: 'Keyway asked to come back to an address the server refuses. Try again.',
    fr: 'Keyway a demandé un retour vers une adresse que le serveur refuse. Réessayez.',
    de: 'Keyway hat eine Rückkehradresse angefordert, die der Server ablehnt. Versuchen Sie es erneut.',
  },
  passkey_unavailable: {
    en: 'No passkey was used. Confirm another way.',
    fr: 'Aucune clé d’accès n’a été utilisée. Confirmez autrement.',
    de: 'Es wurde kein Passkey verwendet. Bestätigen Sie auf andere Weise.',
  },
  passkey_refused: {
    en: 'The passkey was refused. Try again, or confirm another way.',
    fr: 'La clé d’accès a été refusée. Réessayez ou confirmez autrement.',
    de: 'Der Passkey wurde abgelehnt. Versuchen Sie es erneut oder bestätigen Sie auf andere Weise.',
  },
  passkey_challenge_used: {
    en: 'This passkey request was already used or has expired. Start again.',
    fr: 'Cette demande de clé d’accès a déjà servi ou a expiré. Recommencez.',
    de: 'Diese Passkey-Anfrage wurde bereits verwendet oder ist abgelaufen. Beginnen Sie erneut.',
  },
  passkey_cloned: {
    en: 'This passkey was refused: it may have been copied. Tell your IT department.',
    // French typography: a no-break space before the colon (as in the client's catalogue).
    fr: 'Cette clé d’accès a été refusée : elle a peut-être été copiée. Prévenez votre service informatique.',
    de: 'Dieser Passkey wurde abgelehnt: Er wurde möglicherweise kopiert. Informieren Sie Ihre IT-Abteilung.',
  },
};

/** Every wire code's text in `language`, for a catalogue to spread among its other error texts. */
export function wireErrorTexts(language: ErrorTextLanguage): Readonly<Record<WireErrorCode, string>> {
  // Object.entries types its keys as string; they are exactly WireErrorCode, the table's type says so.
  const entries = Object.entries(WIRE_ERROR_TEXTS) as [WireErrorCode, Readonly<Record<ErrorTextLanguage, string>>][];
  return Object.fromEntries(entries.map(([code, texts]) => [code, texts[language]])) as Record<WireErrorCode, string>;
}
