import { z } from 'zod';
import { KeywayErrorShape } from '../../protocol/errors';

export { KeywayErrorShape };

/**
 * What the renderer shows. Core publishes one `View` at a time; each screen is a tag (`screen`) on it.
 * The renderer renders it and keeps no flow logic of its own.
 */

/** Longest text the paste field accepts; longer input is refused by the contract, not truncated. */
export const MAX_PASTE_LENGTH = 4096;

export const WelcomeView = z.strictObject({
  screen: z.literal('welcome'),
  /** The text in the paste field, exactly as core holds it. */
  input: z.string().max(MAX_PASTE_LENGTH),
  canApply: z.boolean(),
  error: KeywayErrorShape.nullable(),
});
export type WelcomeView = z.infer<typeof WelcomeView>;

export const View = z.discriminatedUnion('screen', [WelcomeView]);
export type View = z.infer<typeof View>;
export type Screen = View['screen'];
