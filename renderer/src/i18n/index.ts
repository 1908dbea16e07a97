import { en, type Strings } from './en';

export const strings: Strings = en;
