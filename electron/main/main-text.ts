import type { UiLanguage } from '../ipc/view';

/**
 * The few strings the main process shows itself (the application menu and the start-up failure
 * dialog), in every language the renderer speaks. Everything else the user reads comes from the
 * renderer's catalogues. A missing key in any language is a type error.
 */
export interface MainText {
  readonly edit: string;
  readonly undo: string;
  readonly redo: string;
  readonly cut: string;
  readonly copy: string;
  readonly paste: string;
  readonly selectAll: string;
  readonly window: string;
  readonly minimize: string;
  readonly close: string;
  readonly about: string;
  readonly hide: string;
  readonly hideOthers: string;
  readonly showAll: string;
  readonly quit: string;
  readonly view: string;
  readonly reload: string;
  readonly devTools: string;
  readonly startupFailedTitle: string;
  readonly startupFailedMessage: string;
  readonly startupFailedUnknown: string;
}

export const MAIN_TEXT: Readonly<Record<UiLanguage, MainText>> = {
  en: {
    edit: 'Edit',
    undo: 'Undo',
    redo: 'Redo',
    cut: 'Cut',
    copy: 'Copy',
    paste: 'Paste',
    selectAll: 'Select All',
    window: 'Window',
    minimize: 'Minimize',
    close: 'Close Window',
    about: 'About Keyway',
    hide: 'Hide Keyway',
    hideOthers: 'Hide Others',
    showAll: 'Show All',
    quit: 'Quit Keyway',
    view: 'View',
    reload: 'Reload',
    devTools: 'Developer Tools',
    startupFailedTitle: 'Keyway could not start',
    startupFailedMessage: 'Keyway could not start and will close.',
    startupFailedUnknown: 'An unexpected error occurred.',
  },
  fr: {
    edit: 'Édition',
    undo: 'Annuler',
    redo: 'Rétablir',
    cut: 'Couper',
    copy: 'Copier',
    paste: 'Coller',
    selectAll: 'Tout sélectionner',
    window: 'Fenêtre',
    minimize: 'Réduire',
    close: 'Fermer la fenêtre',
    about: 'À propos de Keyway',
    hide: 'Masquer Keyway',
    hideOthers: 'Masquer les autres',
    showAll: 'Tout afficher',
    quit: 'Quitter Keyway',
    view: 'Présentation',
    reload: 'Recharger',
    devTools: 'Outils de développement',
    startupFailedTitle: 'Keyway n’a pas pu démarrer',
    startupFailedMessage: 'Keyway n’a pas pu démarrer et va se fermer.',
    startupFailedUnknown: 'Une erreur inattendue s’est produite.',
  },
  de: {
    edit: 'Bearbeiten',
    undo: 'Widerrufen',
    redo: 'Wiederholen',
    cut: 'Ausschneiden',
    copy: 'Kopieren',
    paste: 'Einsetzen',
    selectAll: 'Alles auswählen',
    window: 'Fenster',
    minimize: 'Minimieren',
    close: 'Fenster schließen',
    about: 'Über Keyway',
    hide: 'Keyway ausblenden',
    hideOthers: 'Andere ausblenden',
    showAll: 'Alle einblenden',
    quit: 'Keyway beenden',
    view: 'Darstellung',
    reload: 'Neu laden',
    devTools: 'Entwicklerwerkzeuge',
    startupFailedTitle: 'Keyway konnte nicht starten',
    startupFailedMessage: 'Keyway konnte nicht starten und wird beendet.',
    startupFailedUnknown: 'Ein unerwarteter Fehler ist aufgetreten.',
  },
};
