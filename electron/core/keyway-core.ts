import type { CommandHandlers } from '../ipc/dispatcher';
import type { View } from '../ipc/view';
import { initialState, toView, transition, type OnboardingEvent, type OnboardingState } from './onboarding/machine';

/**
 * The sign-in engine behind every transport. It owns the onboarding state, runs transitions, and
 * publishes a new view to its listeners whenever the state changes. It imports nothing of Electron:
 * main, the browser harness and tests drive the same object.
 */
export class KeywayCore {
  #state: OnboardingState = initialState;
  readonly #listeners = new Set<(view: View) => void>();

  getView(): View {
    return toView(this.#state);
  }

  /** Feeds one event through the machine. */
  send(event: OnboardingEvent): void {
    const step = transition(this.#state, event);
    if (step.state === this.#state) return;
    this.#state = step.state;
    const view = toView(step.state);
    for (const listener of this.#listeners) listener(view);
  }

  /**
   * The one entry point for `keyway://` links, whichever way they arrive: argv at cold start,
   * `second-instance`, macOS `open-url`, or the harness.
   */
  openDeepLink(url: string): void {
    this.send({ type: 'deepLink.opened', url });
  }

  onView(listener: (view: View) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** Serves the IPC contract from a core instance. */
export function createCoreHandlers(core: KeywayCore): CommandHandlers {
  return {
    getView: () => Promise.resolve(core.getView()),
    setWelcomeInput: ({ text }) => {
      core.send({ type: 'welcome.inputChanged', text });
      return Promise.resolve(null);
    },
    applyWelcome: () => {
      core.send({ type: 'welcome.applied' });
      return Promise.resolve(null);
    },
  };
}
