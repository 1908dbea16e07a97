import { continueAfter, type PathFacts } from '../path';
import type { Context, PendingProfile } from '../states';
import { hostOf, never, type StepDefinition } from '../step';

/**
 * Import (design journey 4, "not the first login"): a new profile may carry over the preferences of
 * one already on this machine. Offered only for a new server when other profiles exist and policy allows.
 */

export interface ImportScreen {
  readonly kind: 'importProfile';
  readonly pending: PendingProfile;
}

export const importScreen = (pending: PendingProfile): ImportScreen => ({ kind: 'importProfile', pending });

/** Whether the new-profile path (path.ts) stops here. A deployment offers it even for a known server. */
export function importOffered(context: Context, facts: PathFacts): boolean {
  return !facts.known && context.profiles.length > 0 && context.policy.disableImport !== true;
}

export const importStep: StepDefinition<ImportScreen> = {
  on: (state, screen, event) => {
    if (event.type !== 'import.chosen') return null;
    // Only a profile on this machine (or none): a forged origin is ignored.
    const known = event.from === null || state.context.profiles.some((p) => p.origin === event.from);
    return known ? continueAfter('import', state, { ...screen.pending, importFrom: event.from }) : null;
  },
  view: (screen, context) => ({
    screen: 'import',
    serverName: screen.pending.server.name,
    candidates: context.profiles.map((p) => ({
      origin: p.origin,
      serverName: p.serverName,
      serverHost: hostOf(p.origin),
      loginId: p.loginId,
    })),
  }),
  acceptsLinks: never,
};
