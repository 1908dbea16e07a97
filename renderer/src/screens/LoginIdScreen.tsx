import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeywayClient } from '../../../electron/ipc/client';
import { MAX_LOGIN_ID_LENGTH, type ViewOf } from '../../../electron/ipc/view';
import { CommandButton } from '../components/Actions';
import { ErrorMessage } from '../components/ErrorMessage';
import { Logo } from '../components/Logo';
import { useEscape } from '../components/useEscape';

type LoginIdView = ViewOf<'loginId'>;

export function LoginIdScreen({ view, client }: { view: LoginIdView; client: KeywayClient }): React.JSX.Element {
  const { t } = useTranslation();
  const [loginId, setLoginId] = useState(view.loginId);
  useEscape(view.canGoBack ? () => void client.invoke('cancel', {}).catch(() => undefined) : null);
  return (
    <section className="screen" aria-labelledby="login-id-title">
      <Logo />
      <h1 id="login-id-title">{t('loginIdTitle')}</h1>
      <p className="lead">{t('loginIdLead', { host: view.serverName ?? view.serverHost })}</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void client.invoke('next', {}).catch(() => undefined);
        }}
      >
        <label htmlFor="login-id">{t('loginIdLabel')}</label>
        <input
          id="login-id"
          type="text"
          autoComplete="username"
          autoCapitalize="off"
          spellCheck={false}
          autoFocus
          maxLength={MAX_LOGIN_ID_LENGTH}
          placeholder={t('loginIdPlaceholder')}
          value={loginId}
          aria-invalid={view.error !== null}
          aria-describedby={view.error ? 'login-id-error' : undefined}
          onChange={(event) => {
            setLoginId(event.target.value);
            void client.invoke('setLoginId', { loginId: event.target.value }).catch(() => undefined);
          }}
        />
        <ErrorMessage error={view.error} id="login-id-error" />
        <div className="actions">
          {view.canGoBack && (
            <CommandButton client={client} command="cancel">
              {t('cancel')}
            </CommandButton>
          )}
          <button type="submit" className="primary" disabled={loginId.trim() === ''}>
            {t('next')}
          </button>
        </div>
      </form>
    </section>
  );
}
