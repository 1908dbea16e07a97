import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeywayClient } from '../../../electron/ipc/client';
import { MAX_PASSWORD_LENGTH, type ViewOf } from '../../../electron/ipc/view';
import { CommandButton } from '../components/Actions';
import { ErrorMessage } from '../components/ErrorMessage';
import { useEscape } from '../components/useEscape';

type PasswordView = ViewOf<'password'>;

export function PasswordScreen({ view, client }: { view: PasswordView; client: KeywayClient }): React.JSX.Element {
  const { t } = useTranslation();
  // The password stays in this component until Apply; it is sent once and never comes back in a view.
  const [password, setPassword] = useState('');
  useEscape(() => void client.invoke('goBack', {}).catch(() => undefined));
  const [visible, setVisible] = useState(false);
  return (
    <section className="screen" aria-labelledby="password-title">
      <h1 id="password-title">{t('passwordTitle')}</h1>
      <p className="lead">{t('passwordLead', { host: view.serverHost, loginId: view.loginId })}</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void client.invoke('submitPassword', { password });
          setPassword('');
        }}
      >
        <label htmlFor="password-input">{t('passwordLabel')}</label>
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
            {visible ? t('hidePassword') : t('showPassword')}
          </button>
        </div>
        <p id="password-hint" className="hint">
          {t('passwordHint')}
        </p>
        <ErrorMessage error={view.error} id="password-error" />
        {view.forgotPassword?.status === 'sent' ? (
          <p role="status" data-testid="reset-sent">
            {t('forgotPassword.sent', { loginId: view.loginId, minutes: view.forgotPassword.minutes ?? 30 })}
          </p>
        ) : view.forgotPassword ? (
          <button
            type="button"
            className="link"
            disabled={view.forgotPassword.status === 'sending'}
            onClick={() => void client.invoke('requestPasswordReset', {}).catch(() => undefined)}
          >
            {view.forgotPassword.status === 'sending' ? t('forgotPassword.sending') : t('forgotPassword.link')}
          </button>
        ) : null}
        <div className="actions">
          <CommandButton client={client} command="goBack">
            {t('back')}
          </CommandButton>
          <button type="submit" className="primary" disabled={password.length === 0}>
            {t('apply')}
          </button>
        </div>
      </form>
    </section>
  );
}
