import type { CommandHandlers } from '../ipc/dispatcher';
import type { View } from '../ipc/view';
import { initialState, isIdle, transition, type OnboardingEvent, type OnboardingState } from './onboarding/machine';
import { chooseLanguage, type LanguageChoice } from './language';
import { isCustomSchemeCallback } from './oidc/custom-scheme-redirect';
import { OnboardingService, type CoreDependencies } from './onboarding/service';
import type { Screen } from './onboarding/states';
import { toView } from './onboarding/view';
import { UpdateStatus } from './updates/update-status';

/**
 * The sign-in engine behind every transport. It owns the onboarding state, runs transitions and their
 * effects, and publishes a new view whenever the state changes. It imports nothing of Electron: main,
 * the browser harness and tests drive the same object through the same ports.
 */
export class KeywayCore {
  #state: OnboardingState;
  readonly #language: LanguageChoice;
  readonly #service: OnboardingService;
  readonly #listeners = new Set<(view: View) => void>();
  /** Deep links that arrived while the user was busy (see acceptsLinks); handled in order afterwards. */
  readonly #pendingLinks: string[] = [];
  #started = false;
  /** Automatic updates: Electron's main marks a downloaded update here; the renderer reads it over IPC. */
  readonly updates = new UpdateStatus();

  /** `systemLanguages`: the operating system's preferred languages (BCP 47), most preferred first. */
  constructor(deps: CoreDependencies & { readonly systemLanguages?: readonly string[] }) {
    this.#state = initialState({ policy: deps.policy, profiles: [] });
    this.#language = chooseLanguage({ policy: deps.policy.defaultLanguage, system: deps.systemLanguages });
    this.#service = new OnboardingService(deps);
  }

  /** Reads settings and, when a session is stored, signs in silently. Resolves once settled. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.send(await this.#service.start());
    await this.settled();
  }

  getView(): View {
    return toView(this.#state);
  }

  /** The UI's language: fixed for the process (policy and OS are read once, at start). */
  getLanguage(): LanguageChoice {
    return this.#language;
  }

  /** Feeds one event through the machine and starts the effects it asks for. */
  send(event: OnboardingEvent): void {
    const step = transition(this.#state, event);
    if (step.state !== this.#state) {
      this.#state = step.state;
      const view = toView(step.state);
      for (const listener of this.#listeners) listener(view);
    }
    for (const effect of step.effects) {
      this.#inFlight += 1;
      void this.#service
        .run(effect, (progress) => this.send(progress))
        .then((result) => {
          this.#inFlight -= 1;
          if (result !== null) this.send(result);
        });
    }
    this.#drainLinks();
  }

  /**
   * The one entry point for `keyway://` links, whichever way they arrive: argv at cold start,
   * `second-instance`, macOS `open-url`, or the harness.
   */
  openDeepLink(url: string): void {
    // An OIDC callback on the private-use scheme goes to the sign-in waiting for it, never to the flow.
    if (isCustomSchemeCallback(url)) {
      this.#service.customScheme.deliver(url);
      return;
    }
    // The link whose journey is on screen, again (a double click), or one already waiting, is not news.
    if ((url === this.#journeyLink && !acceptsLinks(this.#state.screen)) || this.#pendingLinks.includes(url)) return;
    this.#pendingLinks.push(url);
    this.#drainLinks();
  }

  onView(listener: (view: View) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves when no effect is running (tests and start-up use it to wait for a quiet state). */
  async settled(): Promise<void> {
    while (this.#inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  #inFlight = 0;
  /** The link that started the journey on screen, if one did. */
  #journeyLink: string | null = null;

  #drainLinks(): void {
    while (this.#pendingLinks.length > 0 && acceptsLinks(this.#state.screen) && this.#inFlight === 0) {
      const url = this.#pendingLinks.shift();
      if (url !== undefined) {
        this.#journeyLink = url;
        this.send({ type: 'deepLink.opened', url });
      }
    }
  }
}

/**
 * Links wait while the user is waiting on the network or in the middle of a journey (from Confirm
 * server to the end of sign-in), and open in arrival order once a resting screen is reached (Welcome,
 * Home, a sign-in page of a known profile): two links clicked at once run one after the other, and a
 * second link never replaces the first one's journey half-way.
 */
function acceptsLinks(screen: Screen): boolean {
  if (!isIdle(screen)) return false;
  switch (screen.kind) {
    case 'confirmServer':
    case 'importProfile':
    case 'license':
    case 'licenseUpdate':
    case 'mfa':
      return false;
    case 'password':
      return screen.pending === null;
    default:
      return true;
  }
}

/** Serves the IPC contract from a core instance. */
export function createCoreHandlers(core: KeywayCore): CommandHandlers {
  const fire = (event: OnboardingEvent) => (): Promise<null> => {
    core.send(event);
    return Promise.resolve(null);
  };
  return {
    getView: () => Promise.resolve(core.getView()),
    getLanguage: () => Promise.resolve({ ...core.getLanguage() }),
    setWelcomeInput: ({ text }) => fire({ type: 'welcome.inputChanged', text })(),
    applyWelcome: fire({ type: 'welcome.applied' }),
    openManualLogin: fire({ type: 'manualLogin.opened' }),
    setManualLogin: ({ host, loginId }) => fire({ type: 'manualLogin.changed', host, loginId })(),
    setLoginId: ({ loginId }) => fire({ type: 'loginId.changed', loginId })(),
    next: fire({ type: 'next' }),
    cancel: fire({ type: 'cancel' }),
    confirmServer: fire({ type: 'server.confirmed' }),
    chooseImport: ({ from }) => fire({ type: 'import.chosen', from })(),
    acceptLicense: fire({ type: 'license.accepted' }),
    declineLicense: fire({ type: 'license.declined' }),
    submitPassword: ({ password }) => fire({ type: 'password.submitted', password })(),
    goBack: fire({ type: 'back' }),
    retry: fire({ type: 'retry' }),
    reopenBrowser: fire({ type: 'oidc.reopen' }),
    useDeviceCode: fire({ type: 'oidc.useDevice' }),
    chooseMfaChannel: ({ channel }) => fire({ type: 'mfa.choose', channel })(),
    submitMfaCode: ({ code, remember }) => fire({ type: 'mfa.submit', code, remember })(),
    resendMfaCode: fire({ type: 'mfa.resend' }),
    openSecurity: fire({ type: 'home.security' }),
    removeTrustedDevice: ({ deviceId }) => fire({ type: 'security.removeDevice', deviceId })(),
    removeAuthenticator: ({ id, password }) => fire({ type: 'security.removeAuthenticator', id, password })(),
    addAuthenticator: ({ password }) => fire({ type: 'security.addAuthenticator', password })(),
    confirmAuthenticator: ({ code }) => fire({ type: 'security.confirmAuthenticator', code })(),
    signOut: fire({ type: 'home.signOut' }),
    forgetServer: fire({ type: 'home.forget' }),
    requestPasswordReset: fire({ type: 'password.forgot' }),
    openOneTimePassword: fire({ type: 'home.otp' }),
    issueOneTimePassword: (proof) => fire({ type: 'otp.submit', proof })(),
    newOneTimePassword: fire({ type: 'otp.again' }),
    getUpdate: () => Promise.resolve(core.updates.get()),
    restartToUpdate: () => {
      core.updates.restart();
      return Promise.resolve(null);
    },
  };
}
