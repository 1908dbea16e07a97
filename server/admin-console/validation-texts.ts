import { WireErrorCode, type KeywayError, type ValidationField, type ValidationReason } from '../../protocol/errors';
import { wireErrorTexts } from '../../protocol/error-texts';
import type { Language } from '../http/languages';
import type { Translate } from './messages';

/**
 * Why the console refused a field, in the admin's language: each reason code of protocol/errors.ts with
 * its three texts. `Record<ValidationReason, …>`: a reason added there without its texts here does not
 * compile. The English column is what the French and German mirror; English pages show the service's own
 * sentence instead (the CLI's, more specific: the limit, the owner of a domain), as protocol/error-texts.ts
 * does for wire codes.
 */
export const REASON_TEXTS: Readonly<Record<ValidationReason, Readonly<Record<Language, string>>>> = {
  required: {
    en: 'This is required.',
    fr: 'Ce champ est obligatoire.',
    de: 'Dieses Feld ist erforderlich.',
  },
  'too-long': {
    en: 'This is too long.',
    fr: 'C’est trop long.',
    de: 'Das ist zu lang.',
  },
  'too-many': {
    en: 'There are too many entries.',
    fr: 'Il y a trop d’entrées.',
    de: 'Das sind zu viele Einträge.',
  },
  'bad-format': {
    en: 'This is not in the expected format.',
    fr: 'Ce n’est pas au format attendu.',
    de: 'Das entspricht nicht dem erwarteten Format.',
  },
  'not-a-url': {
    en: 'This is not a URL.',
    fr: 'Ce n’est pas une URL.',
    de: 'Das ist keine URL.',
  },
  'not-https': {
    en: 'The URL must use https (plain http only on this computer, for development).',
    fr: 'L’URL doit utiliser https (http simple uniquement sur cet ordinateur, pour le développement).',
    de: 'Die URL muss https verwenden (einfaches http nur auf diesem Computer, zur Entwicklung).',
  },
  'has-credentials': {
    en: 'The URL must not carry a user name, password or #fragment.',
    fr: 'L’URL ne doit contenir ni nom d’utilisateur, ni mot de passe, ni #fragment.',
    de: 'Die URL darf weder Benutzernamen noch Passwort noch #Fragment enthalten.',
  },
  'not-a-certificate': {
    en: 'This is not an X.509 certificate (PEM or base64).',
    fr: 'Ce n’est pas un certificat X.509 (PEM ou base64).',
    de: 'Das ist kein X.509-Zertifikat (PEM oder Base64).',
  },
  'not-a-choice': {
    en: 'This is not one of the choices.',
    fr: 'Ce n’est pas l’un des choix proposés.',
    de: 'Das ist keine der Auswahlmöglichkeiten.',
  },
  'not-a-domain': {
    en: 'This is not a domain name: write it like corp.example (no “@”, no scheme, no path).',
    fr: 'Ce n’est pas un nom de domaine : écrivez-le comme corp.example (sans « @ », sans schéma, sans chemin).',
    de: 'Das ist kein Domainname: Schreiben Sie ihn wie corp.example (ohne „@“, ohne Schema, ohne Pfad).',
  },
  taken: {
    en: 'This is already in use.',
    fr: 'C’est déjà utilisé.',
    de: 'Das wird bereits verwendet.',
  },
  'routed-elsewhere': {
    en: 'A domain is already routed to another provider.',
    fr: 'Un domaine est déjà routé vers un autre fournisseur.',
    de: 'Eine Domain wird bereits an einen anderen Anbieter geroutet.',
  },
  'other-kind': {
    en: 'A provider of the other kind has this ID: remove it first.',
    fr: 'Un fournisseur de l’autre type porte cet identifiant : supprimez-le d’abord.',
    de: 'Ein Anbieter der anderen Art hat diese ID: Entfernen Sie ihn zuerst.',
  },
  'unusable-metadata': {
    en: 'The metadata cannot be used: it needs an entity ID, an HTTP-Redirect sign-in URL and a signing certificate.',
    fr: 'Les métadonnées sont inutilisables : il leur faut un entity ID, une URL de connexion HTTP-Redirect et un certificat de signature.',
    de: 'Die Metadaten sind nicht verwendbar: Sie brauchen eine Entity-ID, eine HTTP-Redirect-Anmelde-URL und ein Signaturzertifikat.',
  },
  'unknown-channel': {
    en: 'This is not a known channel.',
    fr: 'Ce n’est pas un canal connu.',
    de: 'Das ist kein bekannter Kanal.',
  },
  'no-allowed-channel': {
    en: 'Allow at least one channel.',
    fr: 'Autorisez au moins un canal.',
    de: 'Erlauben Sie mindestens einen Kanal.',
  },
  'out-of-range': {
    en: 'This number is outside the allowed range.',
    fr: 'Ce nombre est hors de la plage autorisée.',
    de: 'Diese Zahl liegt außerhalb des erlaubten Bereichs.',
  },
  invalid: {
    en: 'This is not valid.',
    fr: 'Ce n’est pas valide.',
    de: 'Das ist nicht gültig.',
  },
};

/** Each field's label on the console's forms (messages.ts), so the refusal names it as the form does. */
const FIELD_LABELS: Readonly<Record<ValidationField, Parameters<Translate>[0]>> = {
  'idp-id': 'idpId',
  'idp-name': 'idpName',
  'idp-domains': 'idpDomains',
  'idp-issuer': 'idpIssuer',
  'idp-client-id': 'idpClientId',
  'idp-client-secret': 'idpClientSecret',
  'idp-auth-method': 'idpAuthMethod',
  'idp-sso-url': 'idpSsoUrl',
  'idp-entity-id': 'idpEntityId',
  'idp-certificate': 'idpCertificate',
  'idp-metadata': 'idpMetadata',
  'idp-sp-entity-id': 'idpSpEntityId',
  'idp-email-attribute': 'idpEmailAttribute',
  'idp-name-attribute': 'idpNameAttribute',
  'mfa-mode': 'mode',
  'mfa-channels': 'channels',
  'mfa-trust-days': 'trustDays',
  'reset-link-minutes': 'linkMinutes',
  'otp-client-name': 'otpName',
  'user-login-id': 'loginId',
  'user-email': 'email',
  'user-display-name': 'displayName',
  'user-password': 'password',
  'user-aliases': 'aliases',
};

/**
 * What the console shows for a refusal it has no text of its own for. With a detail: the field's label,
 * then the reason, in the admin's language (in English the service's own sentence). Without: a wire
 * code's text from protocol/error-texts.ts in French and German (not a copy of it), the service's English
 * sentence in English; anything else as the service words it.
 */
export function refusalText(t: Translate, error: KeywayError): string {
  const language = t.language;
  if (error.detail !== undefined) {
    const reason = language === 'en' ? error.message : REASON_TEXTS[error.detail.reason][language];
    return t('fieldError', { field: t(FIELD_LABELS[error.detail.field]), message: reason });
  }
  const wire = WireErrorCode.safeParse(error.code);
  // invalid_input without a detail (a check not yet given one) keeps its specific English sentence: the
  // generic "check what you entered" would hide which field is wrong.
  if (language !== 'en' && wire.success && wire.data !== 'invalid_input') return wireErrorTexts(language)[wire.data];
  return error.message;
}
