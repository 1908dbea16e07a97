import type { UiLanguage } from '../../../electron/ipc/view';
import { de } from './de';
import { en } from './en';
import { fr } from './fr';
import type { Translation } from './translation';

/**
 * Every language's strings together, for the catalogue tests; the app itself loads only English up
 * front and the others when core asks for them (i18n/index.ts). The `Translation` type makes a missing
 * or extra key a compile error.
 */
export const translations: Readonly<Record<UiLanguage, Translation>> = { en, fr, de };
