import { admitDeepLink } from '../../protocol/deep-link';
import { KeywayError, type KeywayErrorShape } from '../../protocol/errors';
import { commands, type CommandName, type EventCommandName } from '../ipc/contract';
import { summarize, type CommandHandlers } from '../ipc/dispatcher';
import { View } from '../ipc/view';
import { advance, beginJourney, restartOn, type EffectId, type Journey } from './onboarding/journey';
import { linkEvent, type LinkEvent } from './onboarding/links';
import {
  acceptsLink,
  acceptsLinks,
  firstScreen,
  initialState,
  type OnboardingEvent,
  type OnboardingState,
} from './onboarding/machine';
import { chooseLanguage, type LanguageChoice } from './language';
import { isCustomSchemeCallback } from './oidc/custom-scheme-redirect';
import { OnboardingService, type CoreDependencies } from './onboarding/service';
import { toView } from './onboarding/view';
import { UpdateStatus } from './updates/update-status';
import { recoveryCodesFile, type RecoveryCodesFile } from './onboarding/recovery-codes/file';
import type { RecoveryCodesExported } from './onboarding/recovery-codes/wire';

/** What an app around core does for "Save as text file" and "Print" (true: done; false: the user cancelled). */
export interface RecoveryCodesExporter {
  readonly save: (file: RecoveryCodesFile) => Promise<boolean>;
  readonly print: () => Promise<boolean>;
}

/**
 * The sign-in engine behind every transport. It owns the onboarding state, runs transitions and their
 * effects, and publishes a new view whenever the state changes. It imports nothing of Electron: main,
 * the browser harness and tests drive the same object through the same ports.
 */
export class KeywayCore {
  /** The onboarding state and the effects its screen is waiting for (onboarding/journey.ts). */
  #journey: Journey;
  #language: LanguageChoice;
  readonly #languageSources: { readonly policy?: string | undefined; readonly system?: readonly string[] | undefined };
  readonly #service: OnboardingService;
  readonly #listeners = new Set<(view: View) => void>();
  /**
   * Deep links (or refusals of links) that arrived while the user was busy. Links wait while the user is
   * waiting on the network or in the middle of a journey (each step says, `acceptsLinks`), and open in
   * arrival order once a screen that accepts them is reached: two links clicked at once run one after
   * the other, and a second link never replaces the first one's journey half-way.
   */
  readonly #pendingLinks: PendingLink[] = [];
  #started = false;
  /** Automatic updates: Electron's main marks a downloaded update here; the renderer reads it over IPC. */
  readonly updates = new UpdateStatus();
  /**
   * Save as text file / Print for recovery codes, when an app around core can do them (Electron's main
   * sets it: the save dialog and webContents.print). Null in the harness: the page does them itself.
   */
  recoveryCodesExport: RecoveryCodesExporter | null = null;
  readonly #report: (problem: string) => void;
  /** The state whose view could not be built (it is on screen as the failure view), reported once. */
  #brokenState: OnboardingState | null = null;

  /**
   * `systemLanguages`: the operating system's preferred languages (BCP 47), most preferred first.
   * `report`: where core reports its own bugs (a view it could not build); the console by default.
   */
  constructor(
    deps: CoreDependencies & {
      readonly systemLanguages?: readonly string[];
      readonly report?: (problem: string) => void;
    },
  ) {
    this.#journey = beginJourney(initialState({ policy: deps.policy, profiles: [] }));
    this.#languageSources = { policy: deps.policy.defaultLanguage, system: deps.systemLanguages };
    this.#language = chooseLanguage(this.#languageSources);
    // The provider's pages speak the user's language when the authorization request says it (ui_locales).
    this.#service = new OnboardingService(deps, () => this.#language.language);
    this.#report = deps.report ?? ((problem) => console.error(`Keyway core: ${problem}`));
  }

  /** Reads settings and, when a session is stored, signs in silently. Resolves once settled. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    const started = await this.#service.start();
    // The language the organisation pushed to the active profile (below the machine policy, above the OS).
    if (started.type === 'started' && started.organisationLanguage !== undefined)
      this.#language = chooseLanguage({ ...this.#languageSources, organisation: started.organisationLanguage });
    this.send(started);
    await this.settled();
  }

  /** The current screen; the failure view when it cannot be built within the contract (see #viewOf). */
  getView(): View {
    return this.#viewOf(this.#journey.state);
  }

  /**
   * The UI's language: policy and OS are read once; once start() has read the settings, the active
   * profile's pushed language counts too. A push that arrives during this run is applied by Home's view.
   */
  getLanguage(): LanguageChoice {
    return this.#language;
  }

  /**
   * "Save as text file" / "Print" on the recovery-codes screen: the codes come from core's state (the
   * page never sends codes back), and only while that screen is on display.
   */
  async exportRecoveryCodes(action: 'save' | 'print'): Promise<RecoveryCodesExported> {
    const screen = this.#journey.state.screen;
    if (screen.kind !== 'recoveryCodes')
      throw new KeywayError('invalid_input', 'There are no recovery codes on screen to save or print.');
    const file = recoveryCodesFile(screen.codes, {
      serverHost: new URL(screen.home.origin).host,
      loginId: screen.home.loginId,
    });
    const app = this.recoveryCodesExport;
    if (app === null) return { by: 'page', file };
    return { by: 'app', done: action === 'save' ? await app.save(file) : await app.print() };
  }

  /** Feeds one event from the user or the OS through the machine and starts the effects it asks for. */
  send(event: OnboardingEvent): void {
    this.#advance(event);
  }

  /**
   * `from`: the effect that produced the event (its result or a progress report). Whether it is still
   * awaited is decided by `advance` (onboarding/journey.ts), the one place that drops stale results.
   */
  #advance(event: OnboardingEvent, from?: EffectId): void {
    // "Start again" on the failure view: the screen that could not be shown is left for the first one.
    if (from === undefined && event.type === 'retry.pressed' && this.#brokenState === this.#journey.state) {
      this.#journey = restartOn(this.#journey, firstScreen(this.#journey.state.context));
      this.#publish();
      this.#drainLinks();
      return;
    }
    const before = this.#journey.state;
    const { journey, effects } = advance(this.#journey, event, from);
    this.#journey = journey;
    if (journey.state !== before) this.#publish();
    for (const effect of effects) {
      this.#inFlight += 1;
      void this.#service
        .run(effect, (progress) => this.#advance(progress, effect.id))
        .then((result) => {
          this.#inFlight -= 1;
          if (result !== null) this.#advance(result, effect.id);
        });
    }
    this.#drainLinks();
  }

  /**
   * The one entry point for `keyway://` links, whichever way they arrive: argv at cold start,
   * `second-instance`, macOS `open-url`, or the harness.
   */
  openDeepLink(url: string): void {
    // The entry points refuse oversized links already (admitDeepLink); this is the same rule again,
    // so that no caller can get a link core would echo into a screen the contract cannot carry.
    const admitted = admitDeepLink(url);
    if (!admitted.ok) {
      this.refuseDeepLink(admitted.error.toShape());
      return;
    }
    // An OIDC callback on the private-use scheme goes to the sign-in waiting for it, never to the flow.
    if (isCustomSchemeCallback(url)) {
      this.#service.customScheme.deliver(url);
      return;
    }
    // Its kind says what it becomes (onboarding/links.ts); a kind Keyway does not know is refused.
    const found = linkEvent(url);
    if ('refused' in found) {
      this.refuseDeepLink(found.refused);
      return;
    }
    // The link whose journey is on screen, again (a double click), or one already waiting, is not news.
    const waiting = this.#pendingLinks.some((link) => link.kind === 'open' && link.url === url);
    if ((url === this.#journeyLink && !acceptsLink(this.#journey.state.screen, found.event)) || waiting) return;
    this.#pendingLinks.push({ kind: 'open', url, event: found.event });
    this.#drainLinks();
  }

  /** A link an entry point refused (e.g. `link_too_long`): said on Welcome, in turn with other links. */
  refuseDeepLink(error: KeywayErrorShape): void {
    this.#pendingLinks.push({ kind: 'refused', error });
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
    // In arrival order: the first link waits for a screen that accepts it, and the others wait behind it.
    for (let link = this.#pendingLinks[0]; link !== undefined; link = this.#pendingLinks[0]) {
      const screen = this.#journey.state.screen;
      const accepted = link.kind === 'open' ? acceptsLink(screen, link.event) : acceptsLinks(screen);
      if (!accepted || this.#inFlight > 0) return;
      this.#pendingLinks.shift();
      if (link.kind === 'open') {
        this.#journeyLink = link.url;
        this.send(link.event);
      } else {
        this.send({ type: 'deepLink.refused', error: link.error });
      }
    }
  }

  /** Tells every listener the current view; one failing listener (a closed window) never stops core. */
  #publish(): void {
    const view = this.#viewOf(this.#journey.state);
    for (const listener of this.#listeners) {
      try {
        listener(view);
      } catch (error) {
        this.#report(`a view listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  /**
   * The view of `state`, checked against the IPC contract here, where a failure can still be handled:
   * every transport validates it again and would refuse it, and a refused view used to leave every
   * window on "Starting Keyway…". A view that cannot be built is reported and replaced by the failure
   * view, which says so and offers "Start again".
   */
  #viewOf(state: OnboardingState): View {
    let reason: string;
    try {
      const view = toView(state);
      const checked = View.safeParse(view);
      if (checked.success) return view;
      reason = summarize(checked.error);
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error);
    }
    if (this.#brokenState !== state) {
      this.#brokenState = state;
      this.#report(`the "${state.screen.kind}" screen could not be built: ${reason}`);
    }
    return {
      screen: 'failure',
      error: {
        code: 'internal',
        message:
          'Keyway could not show the next screen. Choose Start again; if this happens again, restart Keyway and tell your IT department.',
      },
    };
  }
}

type PendingLink =
  | { readonly kind: 'open'; readonly url: string; readonly event: LinkEvent }
  | { readonly kind: 'refused'; readonly error: KeywayErrorShape };

/**
 * Serves the IPC contract from a core instance. A command that `becomes` an event (contract.ts) is
 * derived: its validated input, with the event's type, goes to the machine, whose user events are
 * defined as exactly these (states.ts `UserEvent`, from contract.ts `CommandEvent`).
 */
export function createCoreHandlers(
  core: Pick<KeywayCore, 'send' | 'getView' | 'getLanguage' | 'updates' | 'exportRecoveryCodes'>,
): CommandHandlers {
  const derived: Partial<Record<CommandName, (input: object) => Promise<null>>> = {};
  for (const name of Object.keys(commands) as CommandName[]) {
    const command = commands[name];
    const type = 'becomes' in command ? command.becomes : undefined;
    if (type === undefined) continue;
    derived[name] = (input) => {
      // The input was parsed with the command's strict schema by the dispatcher; `type` goes last so
      // no input field could name another event. The machine's user events are these (states.ts UserEvent).
      core.send({ ...input, type } as OnboardingEvent);
      return Promise.resolve(null);
    };
  }
  const served: Pick<CommandHandlers, Exclude<CommandName, EventCommandName>> = {
    getView: () => Promise.resolve(core.getView()),
    getLanguage: () => Promise.resolve({ ...core.getLanguage() }),
    getUpdate: () => Promise.resolve(core.updates.get()),
    restartToUpdate: () => {
      core.updates.restart();
      return Promise.resolve(null);
    },
    exportRecoveryCodes: (input) => core.exportRecoveryCodes(input.action),
  };
  // Every command without `becomes` is in `served` (the compiler checks its keys); every other one
  // was derived above from the same table, which TypeScript cannot see through the loop.
  return { ...(derived as Pick<CommandHandlers, EventCommandName>), ...served };
}
