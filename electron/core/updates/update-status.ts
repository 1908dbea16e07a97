import { KeywayError } from '../../../protocol/errors';
import type { UpdateState } from '../../ipc/contract';

const NOT_READY: UpdateState = { ready: false, version: null };
const SHOWN_VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]{1,40})?$/;

/**
 * What the renderer knows about updates: nothing, or "a new version is downloaded: restart to update".
 * main marks it ready (electron-updater's `update-downloaded`) and provides the installer
 * (`quitAndInstall`); the renderer reads it (`getUpdate`, the `update` event) and asks for the restart.
 */
export class UpdateStatus {
  #state: UpdateState = NOT_READY;
  #install: (() => void) | null = null;
  readonly #listeners = new Set<(state: UpdateState) => void>();

  get(): UpdateState {
    return this.#state;
  }

  /**
   * An update is on disk and installs at the next start. The version comes from the feed (the server's
   * latest*.yml), so it is shown only when it looks like a version; otherwise the banner names none.
   */
  markReady(version: unknown, install: () => void): void {
    const shown = typeof version === 'string' && SHOWN_VERSION.test(version) ? version : null;
    this.#install = install;
    this.#state = { ready: true, version: shown };
    for (const listener of this.#listeners) listener(this.#state);
  }

  onChange(listener: (state: UpdateState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** "Restart to update": only once an update is ready, never as a way to restart the app at will. */
  restart(): void {
    // Set only by markReady, so "an installer exists" and "an update is ready" are one fact.
    const install = this.#install;
    if (install === null) {
      throw new KeywayError('update_not_ready', 'No update has been downloaded yet, so there is nothing to install.');
    }
    install();
  }
}
