import { describe, expect, it } from 'vitest';
import { initialState, toView, transition, type OnboardingEvent } from '../../electron/core/onboarding/machine';

const run = (...events: OnboardingEvent[]) =>
  events.reduce((state, event) => transition(state, event).state, initialState);

describe('onboarding machine: Welcome', () => {
  it('starts on Welcome with an empty field and Apply disabled', () => {
    expect(toView(initialState)).toEqual({ screen: 'welcome', input: '', canApply: false, error: null });
  });

  it('holds what the user typed and enables Apply only for non-blank text', () => {
    expect(toView(run({ type: 'welcome.inputChanged', text: 'ab' }))).toMatchObject({ input: 'ab', canApply: true });
    expect(toView(run({ type: 'welcome.inputChanged', text: '   ' }))).toMatchObject({ canApply: false });
  });

  it('explains what to paste when Apply is pressed on an empty field, and forgets it on the next keystroke', () => {
    const failed = run({ type: 'welcome.applied' });
    expect(toView(failed).error?.code).toBe('invalid_input');
    expect(toView(transition(failed, { type: 'welcome.inputChanged', text: 'k' }).state).error).toBeNull();
  });

  it('puts a deep link into the field and applies it like a pasted one', () => {
    const view = toView(run({ type: 'deepLink.opened', url: 'keyway://example' }));
    expect(view).toMatchObject({ screen: 'welcome', input: 'keyway://example' });
    expect(view.error).not.toBeNull();
  });
});
