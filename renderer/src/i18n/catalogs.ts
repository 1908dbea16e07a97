import type { UiLanguage } from '../../../electron/ipc/view';
import { de } from './de';
import { en } from './en';
import { fr } from './fr';
import type { Translation } from './translation';

/**
 * Every language's strings together, for the catalogue tests; the app itself loads only English up
 * front and the others when core asks for them (i18n/index.ts). The `Translation` type makes a missing
 * or extra key (or an error code without a message) a compile error.
 */
export const translations: Readonly<{ en: typeof en } & Record<Exclude<UiLanguage, 'en'>, Translation>> = {
  en,
  fr,
  de,
};
