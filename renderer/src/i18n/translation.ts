import type { en } from './en';

/** The English source's shape with any text at the leaves: what every translation must provide, exactly. */
type Shape<T> = { readonly [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

export type Translation = Shape<typeof en>;
