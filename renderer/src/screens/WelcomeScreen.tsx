import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeywayClient } from '../../../electron/ipc/client';
import { MAX_PASTE_LENGTH, type ViewOf } from '../../../electron/ipc/view';
import { ErrorMessage } from '../components/ErrorMessage';
import { ManagedNote } from '../components/ManagedNote';
import { Logo } from '../components/Logo';

type WelcomeView = ViewOf<'welcome'>;

export function WelcomeScreen({ view, client }: { view: WelcomeView; client: KeywayClient }): React.JSX.Element {
  const { t } = useTranslation();
  // The field keeps a local draft so fast typing never waits on a round trip. A view whose text is one
  // we sent is only an echo (possibly of an older keystroke) and must not overwrite the draft; any
  // other text is core's own change (a deep link arrived) and replaces it.
  const [draft, setDraft] = useState(view.input);
  const sent = useRef<string[]>([]);
  // Only a *change* of core's text counts: the effect's first run (after mount) can come after the first
  // keystroke, and must not put back the empty text the screen mounted with.
  const shown = useRef(view.input);
  useEffect(() => {
    if (view.input === shown.current) return;
    shown.current = view.input;
    if (!sent.current.includes(view.input)) setDraft(view.input);
  }, [view.input]);

  // A paste over the one link limit is refused here, before core (the IPC contract would refuse it too,
  // silently): said with its own code, the field left as it was. No maxLength on the field on purpose:
  // it would cut the paste to the limit, and a cut link reads as a typo rather than as too long.
  // The refusal belongs to the view it was made on: whatever core says next (a link arrived, another
  // window typed) replaces it.
  const [refusedOn, setRefusedOn] = useState<WelcomeView | null>(null);
  const tooLong = refusedOn === view;
  const onChange = (text: string): void => {
    setRefusedOn(text.length > MAX_PASTE_LENGTH ? view : null);
    if (text.length > MAX_PASTE_LENGTH) return;
    setDraft(text);
    sent.current = [...sent.current.slice(-99), text];
    void client.invoke('setWelcomeInput', { text }).catch(() => undefined);
  };

  const error = tooLong ? { code: 'link_too_long' as const, message: t('errors.link_too_long') } : view.error;

  return (
    <section className="screen" aria-labelledby="welcome-title">
      <Logo onTripleTap={() => void client.invoke('openManualLogin', {}).catch(() => undefined)} />
      <h1 id="welcome-title">{t('welcomeTitle')}</h1>
      <p className="lead">{t('welcomeLead')}</p>
      {/* Said once at start, e.g. that a damaged settings file was restored from its last good copy. */}
      <ErrorMessage error={view.notice ?? null} id="welcome-notice" />
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void client.invoke('applyWelcome', {});
        }}
      >
        <label htmlFor="deployment-input">{t('welcomeFieldLabel')}</label>
        <input
          id="deployment-input"
          name="deployment"
          type="text"
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          autoFocus
          placeholder={t('welcomeFieldPlaceholder')}
          value={draft}
          aria-invalid={error !== null}
          aria-describedby={error ? 'welcome-error' : undefined}
          onChange={(event) => onChange(event.target.value)}
        />
        <ErrorMessage error={error} id="welcome-error" />
        {/* Enabled by the local draft too: a disabled submit button swallows Enter, and Enter right after
            pasting must not depend on core's echo having arrived. Core still judges what was applied. */}
        <button type="submit" disabled={!view.canApply && draft.trim() === ''}>
          {t('apply')}
        </button>
      </form>
      <ManagedNote managed={view.managed} />
    </section>
  );
}
