import { useState } from 'react';
import type { KeywayClient } from '../../../electron/ipc/client';
import type { HomeView } from '../../../electron/ipc/view';
import { CommandButton } from '../components/Actions';
import { ErrorMessage } from '../components/ErrorMessage';
import { ManagedNote } from '../components/ManagedNote';
import { Logo } from '../components/Logo';
import { format, strings } from '../i18n';

export function HomeScreen({ view, client }: { view: HomeView; client: KeywayClient }): React.JSX.Element {
  // Forgetting removes the whole profile, so it takes a second, explicit press.
  const [confirmForget, setConfirmForget] = useState(false);
  return (
    <section className="screen" aria-labelledby="home-title">
      <Logo />
      <h1 id="home-title">{strings.homeTitle}</h1>
      <dl className="facts">
        <dt>{strings.homeUser}</dt>
        <dd>
          <span data-testid="home-display-name">{view.displayName}</span> ({view.loginId}, {view.email})
        </dd>
        <dt>{strings.homeServer}</dt>
        <dd>
          <span data-testid="home-server">{view.serverName}</span> · {view.serverHost}
        </dd>
      </dl>
      <ErrorMessage error={view.notice} id="home-notice" />
      <ManagedNote managed={view.managed} />
      <div className="actions column">
        <CommandButton client={client} command="signOut" primary autoFocus>
          {strings.signOut}
        </CommandButton>
        {view.canManageSecurity && (
          <CommandButton client={client} command="openSecurity">
            {strings.security.open}
          </CommandButton>
        )}
        {confirmForget ? (
          <CommandButton client={client} command="forgetServer" autoFocus>
            {format(strings.forgetConfirm, { host: view.serverHost })}
          </CommandButton>
        ) : (
          <button type="button" className="secondary" onClick={() => setConfirmForget(true)}>
            {strings.forget}
          </button>
        )}
      </div>
    </section>
  );
}
