import { transition } from './machine';
import type { OnboardingEffect, OnboardingEvent, OnboardingState, Screen } from './states';

/**
 * Effects tied to the screen that started them. Every effect the machine asks for gets an id here; the
 * screen on display keeps the ids of the effects it is waiting for, and a result (or progress report)
 * whose id it is no longer waiting for is dropped, in `advance` and nowhere else. So a step never
 * needs its own "is this answer still for me?" check: a sign-in abandoned for the device code, a
 * password-reset answer arriving after the user moved on, an old OTP's timer are all stale ids.
 *
 * The rule for what the screen waits for, applied after every transition:
 * - a transition that starts effects with a result waits for exactly those (it replaced the work
 *   before: switching to the device code abandons the redirect attempt);
 * - otherwise the screen keeps waiting for what it waited for while it stays the same kind of screen,
 *   and waits for nothing once the user is on another kind of screen.
 */

export type EffectId = number;
export type RunningEffect = OnboardingEffect & { readonly id: EffectId };

export interface Journey {
  readonly state: OnboardingState;
  /** The effects the screen on display is waiting for. */
  readonly awaiting: readonly EffectId[];
  readonly nextId: EffectId;
}

interface Advance {
  readonly journey: Journey;
  readonly effects: readonly RunningEffect[];
}

/** Effects that report nothing back: the screen does not wait for them. */
const REPORTS_NOTHING: ReadonlySet<OnboardingEffect['type']> = new Set(['oidcReopen', 'oidcCancel']);

export function beginJourney(state: OnboardingState): Journey {
  return { state, awaiting: [], nextId: 1 };
}

/**
 * Feeds one event through the machine. `from` is the id of the effect that produced it (a result or a
 * progress report); events from the user or the OS have none. A result for an effect the screen is no
 * longer waiting for changes nothing.
 */
export function advance(journey: Journey, event: OnboardingEvent, from?: EffectId): Advance {
  if (from !== undefined && !journey.awaiting.includes(from)) return { journey, effects: [] };
  const step = transition(journey.state, event);
  const effects = step.effects.map((effect, i): RunningEffect => ({ ...effect, id: journey.nextId + i }));
  const reporting = effects.filter((effect) => !REPORTS_NOTHING.has(effect.type)).map((effect) => effect.id);
  const sameScreen = step.state.screen.kind === journey.state.screen.kind;
  const awaiting = reporting.length > 0 ? reporting : sameScreen ? journey.awaiting : [];
  const unchanged = step.state === journey.state && awaiting === journey.awaiting && effects.length === 0;
  if (unchanged) return { journey, effects };
  return { journey: { state: step.state, awaiting, nextId: journey.nextId + effects.length }, effects };
}

/** Replaces the screen outright (core's "Start again"): whatever the old screen waited for is stale. */
export function restartOn(journey: Journey, screen: Screen): Journey {
  return { ...journey, state: { context: journey.state.context, screen }, awaiting: [] };
}
