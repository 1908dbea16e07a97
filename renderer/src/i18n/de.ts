import { wireErrorTexts } from '../../../electron/ipc/error-texts';
import type { Translation } from './translation';

/** German (formal "Sie"). Mirrors en.ts key for key, plus a message for every error code (translation.ts). */
export const de: Translation = {
  appName: 'Keyway',
  loading: 'Keyway wird gestartet…',
  disconnected: 'Die Verbindung zu Keyway wurde unterbrochen. Verbindung wird wiederhergestellt…',
  failed: 'Keyway konnte das nicht ausführen. Bitte versuchen Sie es erneut.',

  welcomeTitle: 'Willkommen bei Keyway',
  welcomeLead: 'Fügen Sie den Link oder den Authentifizierungscode aus Ihrer Bereitstellungs-E-Mail ein.',
  welcomeFieldLabel: 'Bereitstellungslink oder Authentifizierungscode',
  welcomeFieldPlaceholder: 'keyway://… oder XXXXX-XXXXX-…',
  apply: 'Übernehmen',
  managedBy: 'Von Ihrer Organisation verwaltet:',

  progress: {
    starting: 'Keyway wird gestartet…',
    redeeming: 'Ihre Konfiguration wird von {{host}} abgerufen…',
    discovering: 'Es wird ermittelt, wie Sie sich bei {{host}} anmelden…',
    signingIn: 'Sie werden bei {{host}} angemeldet…',
    resuming: 'Sie werden bei {{host}} angemeldet…',
    signingOut: 'Sie werden von {{host}} abgemeldet…',
    forgetting: '{{host}} wird von diesem Computer entfernt…',
  },

  confirmTitle: 'Mit diesem Server verbinden?',
  confirmLead:
    'Keyway verbindet sich mit dem unten genannten Server und vertraut ihm Ihre Anmeldung an. Fahren Sie nur fort, wenn Ihre IT-Abteilung Sie dazu aufgefordert hat.',
  confirmInsecure: 'Dies ist ein Entwicklungsserver auf diesem Computer; die Verbindung ist nicht verschlüsselt.',
  continue: 'Weiter',
  cancel: 'Abbrechen',

  importTitle: 'Einstellungen übernehmen?',
  importLead:
    'Keyway hat auf diesem Computer bereits ein Profil. Sie können dessen Einstellungen für {{server}} übernehmen oder neu beginnen.',
  importFrom: 'Von {{server}} übernehmen ({{loginId}})',
  startFresh: 'Neu beginnen',

  licenseTitle: 'Lizenzvereinbarung',
  licenseLead: '{{server}} bittet Sie, die Lizenz (Version {{version}}) zu akzeptieren.',
  licenseUpdated:
    'Die Lizenz von {{server}} hat sich geändert (jetzt Version {{version}}). Bitte lesen und akzeptieren Sie sie, um fortzufahren.',
  licenseTextLabel: 'Lizenztext',
  accept: 'Akzeptieren',
  decline: 'Ablehnen',

  passwordTitle: 'Geben Sie Ihr Passwort ein',
  passwordLead: 'Anmeldung bei {{host}} als {{loginId}}.',
  passwordLabel: 'Passwort',
  passwordHint: 'Verwenden Sie bei der ersten Anmeldung das Passwort aus Ihrer Willkommens-E-Mail.',
  showPassword: 'Passwort anzeigen',
  hidePassword: 'Passwort verbergen',
  back: 'Zurück',

  manualTitle: 'Manuelle Anmeldung',
  manualLead: 'Geben Sie Ihren Server und Ihre E-Mail-Adresse oder Anmelde-ID ein.',
  manualHostLabel: 'Server',
  manualHostPlaceholder: 'keyway.example.com',
  loginIdLabel: 'E-Mail oder Anmelde-ID',
  loginIdPlaceholder: 'ana@example.com',
  next: 'Weiter',

  loginIdTitle: 'Anmelden',
  loginIdLead: 'Melden Sie sich mit Ihrer E-Mail-Adresse oder Anmelde-ID bei {{host}} an.',

  browserTitle: 'Im Browser fortfahren',
  browserLead:
    'Keyway hat Ihren Browser bei {{idp}} geöffnet, damit Sie sich als {{loginId}} anmelden können. Kehren Sie anschließend hierher zurück.',
  browserWaiting: 'Warten auf Ihren Browser…',
  browserReopen: 'Browser erneut öffnen',
  useDevice: 'Auf einem anderen Gerät anmelden',
  deviceLead: 'Öffnen Sie auf einem beliebigen Gerät {{url}} und geben Sie diesen Code ein:',

  mfa: {
    title: 'Bestätigen Sie Ihre Identität',
    lead: 'Noch ein Schritt, um sich bei {{host}} als {{loginId}} anzumelden.',
    chooseLegend: 'Wie möchten Sie Ihre Identität bestätigen?',
    channel: { totp: 'Authenticator-App', email: 'Code per E-Mail', sms: 'Code per SMS', passkey: 'Passkey' },
    smsRisk:
      'SMS können abgefangen oder auf ein anderes Telefon umgeleitet werden. Eine Authenticator-App ist sicherer.',
    enrollLead:
      'Scannen Sie diesen QR-Code mit Ihrer Authenticator-App (zum Beispiel Microsoft oder Google Authenticator) und geben Sie dann den angezeigten Code ein.',
    qrAlt: 'QR-Code für Ihre Authenticator-App',
    secretLead: 'Scannen nicht möglich? Geben Sie stattdessen diesen Schlüssel in der App ein:',
    copySecret: 'Schlüssel kopieren',
    sent: 'Wir haben einen Code an {{hint}} gesendet.',
    expiresIn: 'Er läuft in {{time}} ab.',
    expired: 'Er ist abgelaufen: Fordern Sie einen neuen an.',
    totpPrompt: 'Geben Sie den sechsstelligen Code aus Ihrer Authenticator-App ein',
    codePrompt: 'Geben Sie den sechsstelligen Code ein',
    remember: 'Dieses Gerät {{days}} Tage lang merken',
    resend: 'Neuen Code senden',
    resendIn: 'Neuen Code senden ({{time}})',
  },

  security: {
    open: 'Anmeldesicherheit',
    title: 'Anmeldesicherheit',
    authenticators: 'Authenticator-Apps',
    noAuthenticators: 'Noch keine Authenticator-App.',
    added: 'hinzugefügt am {{date}}',
    add: 'Authenticator-App hinzufügen',
    remove: 'Entfernen',
    reauth: 'Geben Sie Ihr Passwort ein, um fortzufahren',
    devices: 'Gemerkte Geräte',
    noDevices: 'Es ist kein Gerät gemerkt.',
    thisDevice: 'dieses Gerät',
    trustedUntil: 'vertrauenswürdig bis {{date}}',
    forgetDevice: 'Vergessen',
  },

  passkey: {
    lead: 'Ihr Browser öffnet sich, damit Sie Ihren Passkey verwenden können (Fingerabdruck, Gesicht, PIN oder Sicherheitsschlüssel). Kehren Sie danach hierher zurück.',
    use: 'Passkey verwenden',
    title: 'Im Browser fortfahren',
    signInLead:
      'Keyway hat Ihren Browser bei {{host}} geöffnet, damit Sie sich mit Ihrem Passkey als {{loginId}} bestätigen. Kehren Sie danach hierher zurück.',
    addLead:
      'Keyway hat Ihren Browser bei {{host}} geöffnet, damit Sie einen Passkey für {{loginId}} hinzufügen. Kehren Sie danach hierher zurück.',
    listTitle: 'Passkeys',
    none: 'Noch kein Passkey.',
    add: 'Passkey hinzufügen',
    created: 'hinzugefügt am {{date}}',
    lastUsed: 'zuletzt verwendet am {{date}}',
    neverUsed: 'noch nicht verwendet',
  },

  recovery: {
    use: 'Wiederherstellungscode verwenden',
    fieldLabel: 'Wiederherstellungscode',
    fieldHint:
      'Einer der Codes, die Sie beim Einrichten Ihres zweiten Faktors gespeichert haben, z. B. abcd-efgh-jkmn. Jeder gilt nur einmal.',
    submit: 'Mit diesem Code anmelden',
    homeLeft: 'Verbleibende Wiederherstellungscodes: {{count}}. Holen Sie neue, bevor sie ausgehen.',
    homeNone: 'Sie haben keine Wiederherstellungscodes mehr. Holen Sie neue, falls Sie Ihr Telefon verlieren.',
    homeAction: 'Anmeldesicherheit',
    title: 'Speichern Sie Ihre Wiederherstellungscodes',
    lead: 'Wenn Sie Ihr Telefon verlieren, meldet Sie jeder dieser Codes einmal als {{loginId}} bei {{host}} an. Keyway zeigt sie nur jetzt: Speichern, drucken oder kopieren Sie sie und bewahren Sie sie sicher auf.',
    listLabel: 'Ihre Wiederherstellungscodes',
    copy: 'Kopieren',
    copied: 'Kopiert.',
    save: 'Als Textdatei speichern',
    saved: 'Gespeichert.',
    print: 'Drucken',
    continue: 'Gespeichert, weiter',
    securityTitle: 'Wiederherstellungscodes',
    securityLeft: 'Unbenutzte Wiederherstellungscodes: {{count}}.',
    securityNone: 'Sie haben keine Wiederherstellungscodes.',
    regenerate: 'Neue Codes holen',
  },

  failureTitle: 'Keyway konnte diese Ansicht nicht anzeigen',
  startAgain: 'Neu beginnen',
  resumeFailedTitle: 'Anmeldung nicht möglich',
  retry: 'Erneut versuchen',
  usePassword: 'Mit Passwort anmelden',

  homeTitle: 'Sie sind angemeldet',
  homeUser: 'Angemeldet als',
  homeServer: 'Server',
  homeSettingsUpdated: 'Ihre Organisation hat die Einstellungen von Keyway aktualisiert.',
  update: {
    ready: 'Keyway {{version}} ist bereit zur Installation.',
    readyUnnamed: 'Eine neue Version von Keyway ist bereit zur Installation.',
    restart: 'Neu starten und aktualisieren',
  },
  signOut: 'Abmelden',
  forget: 'Diesen Server vergessen',
  forgetConfirm: 'Ja, {{host}} von diesem Computer entfernen',
  forgetConfirmEverywhere:
    'Ja, {{host}} von diesem Computer entfernen und mich auch auf meinen anderen Geräten abmelden',

  forgotPassword: {
    link: 'Passwort vergessen?',
    sending: 'Link zum Zurücksetzen wird beim Server angefordert…',
    sent: 'Wenn {{loginId}} auf diesem Server ein Konto hat, ist ein Link zum Wählen eines neuen Passworts an die E-Mail-Adresse des Kontos unterwegs. Er gilt {{minutes}} Minuten; melden Sie sich danach hier mit dem neuen Passwort an.',
  },

  oneTimePassword: {
    open: 'Einmalpasswort',
    title: 'Einmalpasswort',
    lead: 'Für einen anderen Dienst von {{host}}, der eines verlangt, etwa das VPN, als {{loginId}}.',
    reauth: 'Geben Sie Ihr Passwort ein, um ein Einmalpasswort zu erhalten',
    show: 'Einmalpasswort anzeigen',
    useAuthenticator: 'Stattdessen einen Code aus meiner Authenticator-App verwenden',
    usePassword: 'Stattdessen mein Passwort verwenden',
    authenticatorPrompt: 'Geben Sie den sechsstelligen Code aus Ihrer Authenticator-App ein',
    loading: 'Wird vorbereitet…',
    issuing: 'Einmalpasswort wird angefordert…',
    valueLabel: 'Ihr Einmalpasswort',
    copy: 'Kopieren',
    copied: 'Kopiert',
    expiresIn: 'Läuft ab in {{time}}',
    remaining: 'Noch {{seconds}} Sekunden',
    once: 'Es gilt nur einmal: Geben Sie es dort ein, wo der andere Dienst Ihr Passwort verlangt.',
    expired: 'Dieses Einmalpasswort ist abgelaufen.',
    again: 'Ein neues erstellen',
  },

  otp: {
    group: 'Sechsstelliger Code',
    digit: 'Ziffer {{index}} von {{total}}',
  },

  managed: {
    presetServer: 'Server ({{value}})',
    allowedServers: 'zugelassene Server ({{value}})',
    disableManualLogin: 'manuelle Anmeldung ist deaktiviert',
    disableImport: 'Import ist deaktiviert',
    forceUnifiedLogin: 'Anmeldung nur über den Identitätsanbieter',
    defaultLanguage: 'Sprache ({{value}})',
  },

  errors: {
    // The server's codes: protocol's one table, shared with the server's pages (protocol/error-texts.ts).
    ...wireErrorTexts('de'),
    retryAfter: 'Versuchen Sie es in {{duration}} erneut.',
    ipc_untrusted_sender: 'Keyway hat eine Anfrage von einer unbekannten Seite abgelehnt.',
    ipc_unknown_command: 'Keyway hat diese Anfrage nicht verstanden. Bitte starten Sie Keyway neu.',
    link_malformed: 'Dies ist kein gültiger Keyway-Link oder -Code.',
    link_too_long:
      'Dieser Link ist viel zu lang für einen Keyway-Link. Öffnen Sie den Link aus Ihrer Bereitstellungs-E-Mail erneut oder fügen Sie seinen Code ein.',
    link_wrong_scheme:
      'Dies ist kein Keyway-Link. Fügen Sie den Link oder den Code aus Ihrer Bereitstellungs-E-Mail ein.',
    link_mismatch:
      'Dieser Link nennt einen anderen Server als die Seite, von der er stammt, und wurde daher abgelehnt.',
    server_insecure: 'Keyway verbindet sich nur mit sicheren Servern (https).',
    server_not_allowed:
      'Die Richtlinie Ihrer Organisation lässt diesen Server nicht zu. Wenden Sie sich an Ihre IT-Abteilung.',
    server_unreachable:
      'Keyway kann den Server nicht erreichen. Prüfen Sie Ihre Netzwerkverbindung und versuchen Sie es erneut.',
    server_tls:
      'Keyway hat keine Verbindung hergestellt: Dem Sicherheitszertifikat des Servers wird nicht vertraut. Wenden Sie sich an Ihre IT-Abteilung.',
    server_bad_response:
      'Der Server hat eine Antwort gesendet, die Keyway nicht versteht. Versuchen Sie es später erneut.',
    server_timeout: 'Der Server hat zu lange nicht geantwortet. Versuchen Sie es erneut.',
    discovery_failed: 'Keyway konnte nicht ermitteln, wie Sie sich anmelden. Versuchen Sie es später erneut.',
    oidc_state_mismatch:
      'Der Browser hat eine Anmeldung zurückgegeben, die Keyway nicht gestartet hat; sie wurde daher abgelehnt. Versuchen Sie es erneut.',
    oidc_issuer_mismatch: 'Die Anmeldung kam von einem anderen Identitätsanbieter zurück und wurde daher abgelehnt.',
    oidc_error: 'Ihr Identitätsanbieter hat die Anmeldung abgelehnt.',
    oidc_cancelled: 'Die Anmeldung wurde abgebrochen. Versuchen Sie es erneut, wenn Sie bereit sind.',
    oidc_timeout: 'Die Anmeldung im Browser hat zu lange gedauert. Versuchen Sie es erneut.',
    oidc_exchange_failed: 'Ihr Identitätsanbieter hat die Anmeldung nicht abgeschlossen. Versuchen Sie es erneut.',
    oidc_loopback_unavailable: 'Keyway konnte auf diesem Computer nicht auf die Antwort des Browsers warten.',
    passkey_return_invalid:
      'Der Browser kam mit einer Antwort zu Keyway zurück, die nicht von diesem Passkey-Schritt stammt. Versuchen Sie es erneut.',
    passkey_step_failed:
      'Der Passkey-Schritt im Browser wurde nicht abgeschlossen. Versuchen Sie es erneut, oder wählen Sie einen anderen Weg zur Bestätigung.',
    manual_login_disabled: 'Die manuelle Anmeldung ist durch die Richtlinie Ihrer Organisation deaktiviert.',
    keychain_unavailable:
      'Der Schlüsselbund des Systems ist nicht verfügbar, daher kann Keyway Sie nicht angemeldet halten.',
    keychain_locked:
      'Der Schlüsselbund des Systems ist gesperrt, daher kann Keyway Sie nicht angemeldet halten. Entsperren Sie ihn und versuchen Sie es dann erneut.',
    settings_corrupt: 'Keyway kann seine Einstellungsdatei nicht lesen.',
    settings_restored:
      'Die Einstellungsdatei von Keyway war beschädigt; die letzte gültige Kopie wurde wiederhergestellt.',
    settings_unwritable:
      'Keyway konnte seine Einstellungen nicht speichern. Geben Sie Speicherplatz frei oder prüfen Sie die Ordnerrechte und versuchen Sie es dann erneut.',
    update_not_ready: 'Es wurde noch kein Update heruntergeladen, daher gibt es nichts zu installieren.',
  },
};
