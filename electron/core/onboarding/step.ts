import type { View } from '../../ipc/view';
import { KeywayError, type KeywayErrorShape } from '../../../protocol/errors';
import type { Context, OnboardingEffect, OnboardingEvent, OnboardingState, Screen, Step } from './states';

/**
 * What every step of the journey answers, one folder per step (deployment/, license/, mfa/, …). The
 * machine (machine.ts) holds one of these per screen kind, so a new screen cannot be added without
 * saying how it moves, what it shows and whether a deep link may interrupt it.
 */
export interface StepDefinition<S extends { readonly kind: string }> {
  /** The screen's transitions: the next step, or null when the event means nothing here. */
  readonly on: (state: OnboardingState, screen: S, event: OnboardingEvent) => Step | null;
  /** The view the renderer shows for this screen. */
  readonly view: (screen: S, context: Context) => View;
  /**
   * Whether a deep link may start a new journey from this screen now. False while the user waits on
   * the network or is half-way through a journey: the link then waits (KeywayCore) and opens, in
   * arrival order, once a screen that accepts links is reached.
   */
  readonly acceptsLinks: (screen: S) => boolean;
}

export type ScreenOf<K extends Screen['kind']> = Extract<Screen, { kind: K }>;

/**
 * What an effect's result becomes, next to the step that starts the effect (like invoke/onDone/onError):
 * `done` maps what the effect runner (service.ts) returned, `failed` the coded error it threw, and
 * `progress` (for the effects in `P`) what the runner reports before it ends (the browser opened, a
 * device code, a timer ran out). Null: the machine hears nothing. `E` is the step's effects, `O` what the
 * runner answers for each when it succeeds, `V` the events its results become (declared in the step's
 * folder), `P` what it reports on the way; machine.ts derives the unions of every effect, outcome,
 * progress report and result event from these tables, so a new result is declared in its step alone.
 */
export type EffectResults<
  E extends { readonly type: string },
  O extends Readonly<Record<E['type'], unknown>>,
  V extends { readonly type: string },
  // Default: no effect of the step reports progress.
  P extends Partial<Readonly<Record<E['type'], unknown>>> = Partial<Record<E['type'], undefined>>,
> = {
  readonly [K in E['type']]: {
    readonly done: (outcome: O[K], effect: Extract<E, { readonly type: K }>) => V | null;
    readonly failed: (error: KeywayErrorShape, effect: Extract<E, { readonly type: K }>) => V | null;
  } & (K extends keyof P
    ? undefined extends P[K]
      ? unknown
      : { readonly progress: (report: P[K], effect: Extract<E, { readonly type: K }>) => V | null }
    : unknown);
};

/** The one way a step moves: to `screen`, starting `effects` (the context is kept). */
export function go(state: OnboardingState, screen: Screen, ...effects: OnboardingEffect[]): Step {
  return { state: { context: state.context, screen }, effects };
}

export function toShape(error: unknown): KeywayErrorShape {
  if (error instanceof KeywayError) return error.toShape();
  return { code: 'internal', message: 'Something went wrong inside Keyway. Please try again.' };
}

export const hostOf = (origin: string): string => new URL(origin).host;

export const always = (): boolean => true;
export const never = (): boolean => false;
