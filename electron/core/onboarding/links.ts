import { deepLinkKind, unknownDeepLink } from '../../../protocol/deep-link';
import type { KeywayErrorShape } from '../../../protocol/errors';
import { startDeployment } from './deployment/step';
import type { OnboardingState, Screen, Step } from './states';

/**
 * Every kind of `keyway://<kind>?…` link Keyway acts on, one entry per kind: the event the link becomes
 * and what the machine does with it on a screen that accepts links. Whether a screen accepts links at all is its step's business (`acceptsLinks`,
 * required per step): a link arriving on any other screen waits (KeywayCore) until one that does.
 * A new kind is an entry here, its parser in protocol/ (the length limit stays in protocol/deep-link.ts,
 * checked before any kind is looked up) and its target step's entry function.
 *
 * `keyway-core.ts openDeepLink` only looks the kind up (`linkEvent`); machine.ts answers the events
 * (`enterLink`). The OIDC callback on the private-use scheme is not a journey link and never gets here.
 */

interface LinkKind<E extends { readonly type: string; readonly url: string }> {
  /** The event the link becomes, with the link's text (within the length limit) as it came. */
  readonly becomes: (url: string) => E;
  /** What the machine does with it on a screen that accepts it. */
  readonly enter: (state: OnboardingState, event: E, screen: Screen) => Step;
}

const link = <E extends { readonly type: string; readonly url: string }>(kind: LinkKind<E>): LinkKind<E> => kind;

export const LINK_KINDS = {
  /** keyway://deploy?code=…: the deployment link of the e-mail (deployment/: Welcome → Confirm server → …). */
  deploy: link({
    becomes: (url) => ({ type: 'deepLink.opened', url }) as const,
    enter: (state, event, screen) => startDeployment(state, event.url, screen),
  }),
};

type LinkKinds = typeof LINK_KINDS;
/** The events link kinds become (part of OnboardingEvent). */
export type LinkEvent = ReturnType<LinkKinds[keyof LinkKinds]['becomes']>;

/**
 * What a link that passed the length limit becomes: its kind's event, or a refusal for a kind Keyway
 * does not know. Text that is no `keyway://` URL at all (another scheme, a landing link, a typo) goes to
 * the deployment parser, which serves every form a deployment reaches Keyway in and says what is wrong.
 */
export function linkEvent(url: string): { readonly event: LinkEvent } | { readonly refused: KeywayErrorShape } {
  const kind = deepLinkKind(url) ?? 'deploy';
  if (!Object.hasOwn(LINK_KINDS, kind)) return { refused: unknownDeepLink(kind).toShape() };
  return { event: LINK_KINDS[kind as keyof LinkKinds].becomes(url) };
}

const KIND_OF_EVENT = new Map<string, LinkKind<LinkEvent>>(
  Object.values(LINK_KINDS).map((kind) => [kind.becomes('').type, kind]),
);

/** The kind whose event this is, or null for any other event. */
export function kindOfEvent(event: { readonly type: string }): LinkKind<LinkEvent> | null {
  return KIND_OF_EVENT.get(event.type) ?? null;
}
