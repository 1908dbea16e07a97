import type { KeywayErrorShape } from '../../../protocol/errors';
import type { View } from '../../ipc/view';

/**
 * The onboarding flow as one explicit machine: a pure `transition(state, event)` over a discriminated
 * union, checked for exhaustiveness by the compiler. Transitions do no I/O; anything the outside world
 * must do is returned as an effect for the service to run, and its result comes back as another event.
 * Reading this file tells you every path a user can take.
 */

export interface OnboardingState {
  readonly kind: 'welcome';
  readonly input: string;
  readonly error: KeywayErrorShape | null;
}

export type OnboardingEvent =
  | { readonly type: 'welcome.inputChanged'; readonly text: string }
  | { readonly type: 'welcome.applied' }
  | { readonly type: 'deepLink.opened'; readonly url: string };

/** Work for the service to do after a transition. None yet: the Welcome slice needs no I/O. */
export type OnboardingEffect = never;

export interface Step {
  readonly state: OnboardingState;
  readonly effects: readonly OnboardingEffect[];
}

export const initialState: OnboardingState = { kind: 'welcome', input: '', error: null };

export function transition(state: OnboardingState, event: OnboardingEvent): Step {
  switch (state.kind) {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- exhaustive over a one-state union that grows with the flow
    case 'welcome':
      return onWelcome(state, event);
    default:
      return assertNever(state.kind);
  }
}

function onWelcome(state: OnboardingState, event: OnboardingEvent): Step {
  switch (event.type) {
    case 'welcome.inputChanged':
      // Typing again clears a stale error: the message was about the previous text.
      return stay({ ...state, input: event.text, error: null });
    case 'welcome.applied':
      return stay({ ...state, error: applyError(state.input) });
    case 'deepLink.opened':
      // A link from the OS lands in the same place as a pasted one, then is applied like it.
      return stay({ ...state, input: event.url, error: applyError(event.url) });
    default:
      return assertNever(event);
  }
}

function applyError(input: string): KeywayErrorShape {
  if (input.trim() === '') {
    return { code: 'invalid_input', message: 'Paste the link or the authentication code from your deployment e-mail.' };
  }
  return {
    code: 'not_implemented_yet',
    message: 'This build cannot redeem deployment links or codes yet.',
  };
}

/** The view the renderer shows for a state: the only thing that crosses to the UI. */
export function toView(state: OnboardingState): View {
  switch (state.kind) {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- exhaustive over a one-state union that grows with the flow
    case 'welcome':
      return { screen: 'welcome', input: state.input, canApply: state.input.trim() !== '', error: state.error };
    default:
      return assertNever(state.kind);
  }
}

const stay = (state: OnboardingState): Step => ({ state, effects: [] });

export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
