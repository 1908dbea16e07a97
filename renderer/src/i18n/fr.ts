import { wireErrorTexts } from '../../../electron/ipc/error-texts';
import type { Translation } from './translation';

/** French (formal "vous"). Mirrors en.ts key for key, plus a message for every error code (translation.ts); French spacing uses no-break spaces before ? : ; ! */
export const fr: Translation = {
  appName: 'Keyway',
  loading: 'Démarrage de Keyway…',
  disconnected: 'Connexion à Keyway perdue. Reconnexion en cours…',
  failed: 'Keyway n’a pas pu effectuer cette action. Veuillez réessayer.',

  welcomeTitle: 'Bienvenue dans Keyway',
  welcomeLead: 'Collez le lien ou le code d’authentification figurant dans votre e-mail de déploiement.',
  welcomeFieldLabel: 'Lien de déploiement ou code d’authentification',
  welcomeFieldPlaceholder: 'keyway://… ou XXXXX-XXXXX-…',
  apply: 'Appliquer',
  managedBy: 'Géré par votre organisation :',

  progress: {
    starting: 'Démarrage de Keyway…',
    redeeming: 'Récupération de votre configuration auprès de {{host}}…',
    discovering: 'Recherche de votre mode de connexion sur {{host}}…',
    signingIn: 'Connexion à {{host}} en cours…',
    resuming: 'Connexion à {{host}} en cours…',
    signingOut: 'Déconnexion de {{host}} en cours…',
    forgetting: 'Suppression de {{host}} de cet ordinateur…',
  },

  confirmTitle: 'Se connecter à ce serveur ?',
  confirmLead:
    'Keyway va se connecter au serveur ci-dessous et lui confier votre connexion. Ne continuez que si votre service informatique vous a demandé de l’utiliser.',
  confirmInsecure:
    'Il s’agit d’un serveur de développement installé sur cet ordinateur ; la connexion n’est pas chiffrée.',
  continue: 'Continuer',
  cancel: 'Annuler',

  importTitle: 'Reprendre vos paramètres ?',
  importLead:
    'Keyway possède déjà un profil sur cet ordinateur. Vous pouvez reprendre ses paramètres pour {{server}} ou repartir de zéro.',
  importFrom: 'Importer depuis {{server}} ({{loginId}})',
  startFresh: 'Repartir de zéro',

  licenseTitle: 'Contrat de licence',
  licenseLead: '{{server}} vous demande d’accepter sa licence (version {{version}}).',
  licenseUpdated:
    'La licence de {{server}} a changé (version {{version}}). Veuillez la lire et l’accepter pour continuer.',
  licenseTextLabel: 'Texte de la licence',
  accept: 'Accepter',
  decline: 'Refuser',

  passwordTitle: 'Saisissez votre mot de passe',
  passwordLead: 'Connexion à {{host}} en tant que {{loginId}}.',
  passwordLabel: 'Mot de passe',
  passwordHint: 'Pour votre première connexion, utilisez le mot de passe indiqué dans votre e-mail de bienvenue.',
  showPassword: 'Afficher le mot de passe',
  hidePassword: 'Masquer le mot de passe',
  back: 'Retour',

  manualTitle: 'Connexion manuelle',
  manualLead: 'Saisissez votre serveur et votre adresse e-mail ou votre identifiant.',
  manualHostLabel: 'Serveur',
  manualHostPlaceholder: 'keyway.example.com',
  loginIdLabel: 'E-mail ou identifiant',
  loginIdPlaceholder: 'ana@example.com',
  next: 'Suivant',

  loginIdTitle: 'Connexion',
  loginIdLead: 'Connectez-vous à {{host}} avec votre adresse e-mail ou votre identifiant.',

  browserTitle: 'Continuez dans votre navigateur',
  browserLead:
    'Keyway a ouvert votre navigateur sur {{idp}} pour que vous puissiez vous connecter en tant que {{loginId}}. Revenez ici une fois la connexion terminée.',
  browserWaiting: 'En attente de votre navigateur…',
  browserReopen: 'Rouvrir le navigateur',
  useDevice: 'Se connecter sur un autre appareil',
  deviceLead: 'Sur n’importe quel appareil, ouvrez {{url}} et saisissez ce code :',

  mfa: {
    title: 'Confirmez votre identité',
    lead: 'Encore une étape pour vous connecter à {{host}} en tant que {{loginId}}.',
    chooseLegend: 'Comment souhaitez-vous confirmer votre identité ?',
    channel: {
      totp: 'Application d’authentification',
      email: 'Code par e-mail',
      sms: 'Code par SMS',
      passkey: 'Clé d’accès',
    },
    smsRisk:
      'Les SMS peuvent être interceptés ou redirigés vers un autre téléphone. Une application d’authentification est plus sûre.',
    enrollLead:
      'Scannez ce code QR avec votre application d’authentification (par exemple Microsoft ou Google Authenticator), puis saisissez le code qu’elle affiche.',
    qrAlt: 'Code QR pour votre application d’authentification',
    secretLead: 'Impossible de scanner le code ? Saisissez plutôt cette clé dans l’application :',
    copySecret: 'Copier la clé',
    sent: 'Nous avons envoyé un code à {{hint}}.',
    expiresIn: 'Il expire dans {{time}}.',
    expired: 'Il a expiré : demandez-en un nouveau.',
    totpPrompt: 'Saisissez le code à six chiffres de votre application d’authentification',
    codePrompt: 'Saisissez le code à six chiffres',
    remember: 'Mémoriser cet appareil pendant {{days}} jours',
    resend: 'Envoyer un nouveau code',
    resendIn: 'Envoyer un nouveau code ({{time}})',
  },

  security: {
    open: 'Sécurité de la connexion',
    title: 'Sécurité de la connexion',
    authenticators: 'Applications d’authentification',
    noAuthenticators: 'Aucune application d’authentification pour l’instant.',
    added: 'ajoutée le {{date}}',
    add: 'Ajouter une application d’authentification',
    remove: 'Supprimer',
    reauth: 'Saisissez votre mot de passe pour continuer',
    devices: 'Appareils mémorisés',
    noDevices: 'Aucun appareil n’est mémorisé.',
    thisDevice: 'cet appareil',
    trustedUntil: 'approuvé jusqu’au {{date}}',
    forgetDevice: 'Oublier',
  },

  passkey: {
    lead: 'Votre navigateur s’ouvre pour que vous utilisiez votre clé d’accès (empreinte, visage, code PIN ou clé de sécurité). Revenez ensuite ici.',
    use: 'Utiliser une clé d’accès',
    title: 'Continuez dans votre navigateur',
    signInLead:
      'Keyway a ouvert votre navigateur sur {{host}} pour que vous confirmiez votre identité avec votre clé d’accès, en tant que {{loginId}}. Revenez ici une fois terminé.',
    addLead:
      'Keyway a ouvert votre navigateur sur {{host}} pour que vous ajoutiez une clé d’accès à {{loginId}}. Revenez ici une fois terminé.',
    listTitle: 'Clés d’accès',
    none: 'Aucune clé d’accès pour l’instant.',
    add: 'Ajouter une clé d’accès',
    created: 'ajoutée le {{date}}',
    lastUsed: 'utilisée le {{date}}',
    neverUsed: 'pas encore utilisée',
  },

  recovery: {
    use: 'Utiliser un code de récupération',
    fieldLabel: 'Code de récupération',
    fieldHint:
      'L’un des codes enregistrés lors de la configuration de votre second facteur, par exemple abcd-efgh-jkmn. Chacun ne sert qu’une fois.',
    submit: 'Se connecter avec ce code',
    homeLeft: 'Codes de récupération restants : {{count}}. Générez-en de nouveaux avant d’en manquer.',
    homeNone:
      'Il ne vous reste aucun code de récupération. Générez-en de nouveaux au cas où vous perdriez votre téléphone.',
    homeAction: 'Sécurité de connexion',
    title: 'Enregistrez vos codes de récupération',
    lead: 'Si vous perdez votre téléphone, chacun de ces codes vous connecte une fois en tant que {{loginId}} sur {{host}}. Keyway ne les affiche que maintenant : enregistrez-les, imprimez-les ou copiez-les, et conservez-les en lieu sûr.',
    listLabel: 'Vos codes de récupération',
    copy: 'Copier',
    copied: 'Copié.',
    save: 'Enregistrer en fichier texte',
    saved: 'Enregistré.',
    print: 'Imprimer',
    continue: 'Je les ai enregistrés, continuer',
    securityTitle: 'Codes de récupération',
    securityLeft: 'Codes de récupération inutilisés : {{count}}.',
    securityNone: 'Vous n’avez aucun code de récupération.',
    regenerate: 'Obtenir de nouveaux codes',
  },

  failureTitle: 'Keyway n’a pas pu afficher cet écran',
  startAgain: 'Recommencer',
  resumeFailedTitle: 'Connexion impossible',
  retry: 'Réessayer',
  usePassword: 'Se connecter avec le mot de passe',

  homeTitle: 'Connexion établie',
  homeUser: 'Compte',
  homeServer: 'Serveur',
  homeSettingsUpdated: 'Votre organisation a mis à jour les paramètres de Keyway.',
  update: {
    ready: 'Keyway {{version}} est prêt à être installé.',
    readyUnnamed: 'Une nouvelle version de Keyway est prête à être installée.',
    restart: 'Redémarrer pour mettre à jour',
  },
  signOut: 'Se déconnecter',
  forget: 'Oublier ce serveur',
  forgetConfirm: 'Oui, supprimer {{host}} de cet ordinateur',
  forgetConfirmEverywhere: 'Oui, supprimer {{host}} de cet ordinateur et me déconnecter aussi sur mes autres appareils',

  forgotPassword: {
    link: 'Mot de passe oublié ?',
    sending: 'Demande d’un lien de réinitialisation au serveur…',
    sent: 'Si {{loginId}} a un compte sur ce serveur, un lien pour choisir un nouveau mot de passe est envoyé à l’adresse e-mail du compte. Il est valable {{minutes}} minutes ; connectez-vous ensuite ici avec le nouveau mot de passe.',
  },

  oneTimePassword: {
    open: 'Mot de passe à usage unique',
    title: 'Mot de passe à usage unique',
    lead: 'Pour un autre service de {{host}} qui en demande un, comme le VPN, en tant que {{loginId}}.',
    reauth: 'Saisissez votre mot de passe pour obtenir un mot de passe à usage unique',
    show: 'Afficher un mot de passe à usage unique',
    useAuthenticator: 'Utiliser plutôt un code de mon application d’authentification',
    usePassword: 'Utiliser plutôt mon mot de passe',
    authenticatorPrompt: 'Saisissez le code à six chiffres de votre application d’authentification',
    loading: 'Préparation…',
    issuing: 'Obtention d’un mot de passe à usage unique…',
    valueLabel: 'Votre mot de passe à usage unique',
    copy: 'Copier',
    copied: 'Copié',
    expiresIn: 'Expire dans {{time}}',
    remaining: 'Encore {{seconds}} secondes',
    once: 'Il ne fonctionne qu’une fois : saisissez-le là où l’autre service demande votre mot de passe.',
    expired: 'Ce mot de passe à usage unique a expiré.',
    again: 'En créer un nouveau',
  },

  otp: {
    group: 'Code à six chiffres',
    digit: 'Chiffre {{index}} sur {{total}}',
  },

  managed: {
    presetServer: 'serveur ({{value}})',
    allowedServers: 'serveurs autorisés ({{value}})',
    disableManualLogin: 'connexion manuelle désactivée',
    disableImport: 'importation désactivée',
    forceUnifiedLogin: 'connexion uniquement via le fournisseur d’identité',
    defaultLanguage: 'langue ({{value}})',
  },

  errors: {
    // The server's codes: protocol's one table, shared with the server's pages (protocol/error-texts.ts).
    ...wireErrorTexts('fr'),
    retryAfter: 'Réessayez dans {{duration}}.',
    ipc_untrusted_sender: 'Keyway a refusé une demande provenant d’une page inconnue.',
    ipc_unknown_command: 'Keyway n’a pas compris cette demande. Veuillez redémarrer Keyway.',
    link_malformed: 'Ce lien ou ce code Keyway n’est pas valide.',
    link_too_long:
      'Ce lien est beaucoup trop long pour être un lien Keyway. Ouvrez à nouveau le lien de votre e-mail de déploiement, ou collez son code.',
    link_wrong_scheme:
      'Ce n’est pas un lien Keyway. Collez le lien ou le code figurant dans votre e-mail de déploiement.',
    link_mismatch: 'Ce lien désigne un autre serveur que la page d’où il provient ; il a donc été refusé.',
    server_insecure: 'Keyway se connecte uniquement à des serveurs sécurisés (https).',
    server_not_allowed:
      'La politique de votre organisation n’autorise pas ce serveur. Adressez-vous à votre service informatique.',
    server_unreachable: 'Keyway ne parvient pas à joindre le serveur. Vérifiez votre connexion réseau et réessayez.',
    server_tls:
      'Keyway ne s’est pas connecté : le certificat de sécurité du serveur n’est pas approuvé. Adressez-vous à votre service informatique.',
    server_bad_response: 'Le serveur a envoyé une réponse que Keyway ne comprend pas. Réessayez plus tard.',
    server_timeout: 'Le serveur a mis trop de temps à répondre. Réessayez.',
    discovery_failed: 'Keyway n’a pas pu déterminer votre mode de connexion. Réessayez plus tard.',
    oidc_state_mismatch:
      'Le navigateur a renvoyé une connexion que Keyway n’a pas lancée ; elle a donc été refusée. Réessayez.',
    oidc_issuer_mismatch: 'La connexion provient d’un autre fournisseur d’identité ; elle a donc été refusée.',
    oidc_error: 'Votre fournisseur d’identité a refusé la connexion.',
    oidc_cancelled: 'La connexion a été annulée. Réessayez quand vous le souhaitez.',
    oidc_timeout: 'La connexion dans le navigateur a pris trop de temps. Réessayez.',
    oidc_exchange_failed: 'Votre fournisseur d’identité n’a pas terminé la connexion. Réessayez.',
    oidc_loopback_unavailable: 'Keyway n’a pas pu attendre la réponse du navigateur sur cet ordinateur.',
    passkey_return_invalid:
      'Le navigateur est revenu vers Keyway avec une réponse qui ne provient pas de cette étape de clé d’accès. Réessayez.',
    passkey_step_failed:
      'L’étape de clé d’accès dans le navigateur n’a pas abouti. Réessayez, ou choisissez un autre moyen de confirmer.',
    manual_login_disabled: 'La connexion manuelle est désactivée par la politique de votre organisation.',
    keychain_unavailable:
      'Le trousseau du système n’est pas disponible ; Keyway ne peut donc pas garder votre session ouverte.',
    keychain_locked:
      'Le trousseau du système est verrouillé ; Keyway ne peut donc pas garder votre session ouverte. Déverrouillez-le, puis réessayez.',
    settings_corrupt: 'Keyway ne parvient pas à lire son fichier de paramètres.',
    settings_restored: 'Le fichier de paramètres de Keyway était endommagé ; la dernière copie valide a été restaurée.',
    settings_unwritable:
      'Keyway n’a pas pu enregistrer ses paramètres. Libérez de l’espace disque ou vérifiez les droits du dossier, puis réessayez.',
    update_not_ready: 'Aucune mise à jour n’a encore été téléchargée : il n’y a rien à installer.',
  },
};
