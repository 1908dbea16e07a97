import { z } from 'zod';
import { STEP_WIRES } from '../core/onboarding/wire';
import { KeywayErrorShape, Text } from './screen-kit';

export { KeywayErrorShape };
export { MAX_LOGIN_ID_LENGTH, MAX_PASSWORD_LENGTH, MAX_PASTE_LENGTH, ManagedSetting } from './screen-kit';

/**
 * What the renderer shows. Core publishes one `View` at a time; each screen is a tag (`screen`) on it.
 * The renderer renders it and keeps no flow logic of its own. Views never carry secrets.
 *
 * Each step folder declares its screens' views in its `wire.ts` (electron/core/onboarding/wire.ts lists
 * them); the two views no step owns, progress and failure, are declared here.
 */

/** The languages the client speaks; core picks one (policy, then the OS, then English). */
export const UI_LANGUAGES = ['en', 'fr', 'de'] as const;
export const UiLanguage = z.enum(UI_LANGUAGES);
export type UiLanguage = z.infer<typeof UiLanguage>;

/** Waiting on the network, whichever step started it (starting, redeeming, signing in, …). */
export const ProgressView = z.strictObject({
  screen: z.literal('progress'),
  step: z.enum(['starting', 'redeeming', 'discovering', 'signingIn', 'resuming', 'signingOut', 'forgetting']),
  serverHost: Text.nullable(),
});
export type ProgressView = z.infer<typeof ProgressView>;

/**
 * Shown instead of a screen core could not build within this contract (a bug, or input that slipped
 * past a limit): the reason, reported, and a way back ("Start again"), never a window stuck loading.
 */
export const FailureView = z.strictObject({
  screen: z.literal('failure'),
  error: KeywayErrorShape,
});
export type FailureView = z.infer<typeof FailureView>;

type StepWires = typeof STEP_WIRES;
type StepView = StepWires[keyof StepWires]['views'][number];
const stepViews: StepView[] = Object.values(STEP_WIRES).flatMap((wire): readonly StepView[] => wire.views);

export const View = z.discriminatedUnion('screen', [FailureView, ProgressView, ...stepViews]);
export type View = z.infer<typeof View>;

/** The view of one screen, by its tag: what that screen's React component receives. */
export type ViewOf<S extends View['screen']> = Extract<View, { screen: S }>;
