import { useState } from 'react';
import type { KeywayClient } from '../../../electron/ipc/client';
import { MAX_PASSWORD_LENGTH, type PasswordView } from '../../../electron/ipc/view';
import { CommandButton } from '../components/Actions';
import { ErrorMessage } from '../components/ErrorMessage';
import { format, strings } from '../i18n';

export function PasswordScreen({ view, client }: { view: PasswordView; client: KeywayClient }): React.JSX.Element {
  // The password stays in this component until Apply; it is sent once and never comes back in a view.
  const [password, setPassword] = useState('');
  const [visible, setVisible] = useState(false);
  return (
    <section className="screen" aria-labelledby="password-title">
      <h1 id="password-title">{strings.passwordTitle}</h1>
      <p className="lead">{format(strings.passwordLead, { host: view.serverHost, loginId: view.loginId })}</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void client.invoke('submitPassword', { password });
          setPassword('');
        }}
      >
        <label htmlFor="password-input">{strings.passwordLabel}</label>
        <div className="password-row">
          <input
            id="password-input"
            name="password"
            type={visible ? 'text' : 'password'}
            autoComplete="current-password"
            autoFocus
            maxLength={MAX_PASSWORD_LENGTH}
            value={password}
            aria-invalid={view.error !== null}
            aria-describedby={view.error ? 'password-error password-hint' : 'password-hint'}
            onChange={(event) => setPassword(event.target.value)}
          />
          <button type="button" className="secondary" aria-pressed={visible} onClick={() => setVisible(!visible)}>
            {visible ? strings.hidePassword : strings.showPassword}
          </button>
        </div>
        <p id="password-hint" className="hint">
          {strings.passwordHint}
        </p>
        <ErrorMessage error={view.error} id="password-error" />
        <div className="actions">
          <CommandButton client={client} command="goBack">
            {strings.back}
          </CommandButton>
          <button type="submit" className="primary" disabled={password.length === 0}>
            {strings.apply}
          </button>
        </div>
      </form>
    </section>
  );
}
