import { useEffect, useRef, useState } from 'react';
import type { KeywayClient } from '../../../electron/ipc/client';
import type { WelcomeView } from '../../../electron/ipc/view';
import { ErrorMessage } from '../components/ErrorMessage';
import { ManagedNote } from '../components/ManagedNote';
import { Logo } from '../components/Logo';
import { strings } from '../i18n';

export function WelcomeScreen({ view, client }: { view: WelcomeView; client: KeywayClient }): React.JSX.Element {
  // The field keeps a local draft so fast typing never waits on a round trip; core's copy wins
  // whenever core changes it on its own (a deep link arrived, the flow reset it).
  const [draft, setDraft] = useState(view.input);
  const lastSent = useRef(view.input);
  useEffect(() => {
    if (view.input !== lastSent.current) {
      lastSent.current = view.input;
      setDraft(view.input);
    }
  }, [view.input]);

  const onChange = (text: string): void => {
    setDraft(text);
    lastSent.current = text;
    void client.invoke('setWelcomeInput', { text });
  };

  return (
    <section className="screen" aria-labelledby="welcome-title">
      <Logo onTripleTap={() => void client.invoke('openManualLogin', {}).catch(() => undefined)} />
      <h1 id="welcome-title">{strings.welcomeTitle}</h1>
      <p className="lead">{strings.welcomeLead}</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void client.invoke('applyWelcome', {});
        }}
      >
        <label htmlFor="deployment-input">{strings.welcomeFieldLabel}</label>
        <input
          id="deployment-input"
          name="deployment"
          type="text"
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          autoFocus
          placeholder={strings.welcomeFieldPlaceholder}
          value={draft}
          maxLength={4096}
          aria-invalid={view.error !== null}
          aria-describedby={view.error ? 'welcome-error' : undefined}
          onChange={(event) => onChange(event.target.value)}
        />
        <ErrorMessage error={view.error} id="welcome-error" />
        <button type="submit" disabled={!view.canApply}>
          {strings.apply}
        </button>
      </form>
      <ManagedNote managed={view.managed} />
    </section>
  );
}
