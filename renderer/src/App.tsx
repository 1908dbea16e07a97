import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeywayClient } from '../../electron/ipc/client';
import type { View } from '../../electron/ipc/view';
import { applyLanguage } from './i18n';
import { screens } from './screens/registry';

/** Renders whatever view core publishes. No flow logic lives here: every decision is core's. */
export function App({ client, connected }: { client: KeywayClient; connected: boolean }): React.JSX.Element {
  const { t } = useTranslation();
  const [view, setView] = useState<View | null>(null);
  // Screens wait for core's choice of language, so nobody sees a flash of English first.
  const [languageReady, setLanguageReady] = useState(false);

  useEffect(() => {
    void client
      .invoke('getLanguage', {})
      .then(({ language }) => applyLanguage(language))
      .catch(() => undefined)
      .finally(() => setLanguageReady(true));
    let sawEvent = false;
    const off = client.on('view', (next) => {
      sawEvent = true;
      setView(next);
    });
    // An event that arrives before this answer is newer than it, so the answer must not overwrite it.
    void client.invoke('getView', {}).then((initial) => {
      if (!sawEvent) setView(initial);
    });
    // Harness only: core asks the page to open the identity provider in a new tab (the "system browser").
    const offExternal = client.on('openExternal', ({ url }) => {
      window.open(url, '_blank', 'noopener,noreferrer');
    });
    // Ctrl/Cmd+Shift+M opens Manual Login: the keyboard way to the logo's triple tap.
    const onKey = (event: KeyboardEvent): void => {
      if ((event.ctrlKey || event.metaKey) && event.shiftKey && event.key.toLowerCase() === 'm') {
        event.preventDefault();
        void client.invoke('openManualLogin', {}).catch(() => undefined);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      off();
      offExternal();
      window.removeEventListener('keydown', onKey);
    };
  }, [client]);

  return (
    <main className="app">
      {!connected && (
        <p className="banner" role="status">
          {t('disconnected')}
        </p>
      )}
      {!languageReady ? null : view === null ? (
        <p role="status">{t('loading')}</p>
      ) : (
        <ScreenFor view={view} client={client} />
      )}
    </main>
  );
}

function ScreenFor({ view, client }: { view: View; client: KeywayClient }): React.JSX.Element {
  // TypeScript cannot correlate `view.screen` with the matching entry of the map, so widen once here.
  const Screen = screens[view.screen] as (props: { view: View; client: KeywayClient }) => React.JSX.Element;
  // Keyed by screen so each screen mounts fresh: local drafts (a typed password) never leak across screens.
  return (
    <FocusOnArrival screen={view.screen}>
      <Screen key={view.screen} view={view} client={client} />
    </FocusOnArrival>
  );
}

/**
 * On a new screen, focus goes where a keyboard or screen-reader user expects it: screens put it on
 * their first field or main action (autoFocus); where nothing took it, the screen's heading gets it, so
 * the new screen is announced and Tab starts from its top rather than from the end of the last one.
 */
function FocusOnArrival({
  screen,
  children,
}: {
  screen: View['screen'];
  children: React.ReactNode;
}): React.JSX.Element {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const container = box.current;
    if (!container || container.contains(document.activeElement)) return;
    const heading = container.querySelector('h1');
    if (!heading) return;
    heading.tabIndex = -1;
    heading.focus();
  }, [screen]);
  return <div ref={box}>{children}</div>;
}
