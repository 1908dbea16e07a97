import { en, type Strings } from './en';

export const strings: Strings = en;

/** Fills `{name}` placeholders. React escapes the result; values are never parsed as markup. */
export function format(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) => values[name] ?? match);
}
