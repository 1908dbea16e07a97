import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeywayClient } from '../../../electron/ipc/client';
import { MAX_LOGIN_ID_LENGTH, type ViewOf } from '../../../electron/ipc/view';
import { CommandButton } from '../components/Actions';
import { ErrorMessage } from '../components/ErrorMessage';
import { useEscape } from '../components/useEscape';

type ManualLoginView = ViewOf<'manualLogin'>;

export function ManualLoginScreen({
  view,
  client,
}: {
  view: ManualLoginView;
  client: KeywayClient;
}): React.JSX.Element {
  const { t } = useTranslation();
  // Local drafts so typing never waits on a round trip; every change is also sent to core.
  const [host, setHost] = useState(view.host);
  const [loginId, setLoginId] = useState(view.loginId);
  const update = (next: { host: string; loginId: string }): void => {
    setHost(next.host);
    setLoginId(next.loginId);
    void client.invoke('setManualLogin', next).catch(() => undefined);
  };
  useEscape(() => void client.invoke('cancel', {}).catch(() => undefined));
  return (
    <section className="screen" aria-labelledby="manual-title">
      <h1 id="manual-title">{t('manualTitle')}</h1>
      <p className="lead">{t('manualLead')}</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void client.invoke('next', {}).catch(() => undefined);
        }}
      >
        <label htmlFor="manual-host">{t('manualHostLabel')}</label>
        <input
          id="manual-host"
          type="text"
          autoComplete="url"
          autoCapitalize="off"
          spellCheck={false}
          autoFocus
          maxLength={300}
          placeholder={t('manualHostPlaceholder')}
          value={host}
          onChange={(event) => update({ host: event.target.value, loginId })}
        />
        <label htmlFor="manual-login-id">{t('loginIdLabel')}</label>
        <input
          id="manual-login-id"
          type="text"
          autoComplete="username"
          autoCapitalize="off"
          spellCheck={false}
          maxLength={MAX_LOGIN_ID_LENGTH}
          placeholder={t('loginIdPlaceholder')}
          value={loginId}
          aria-invalid={view.error !== null}
          aria-describedby={view.error ? 'manual-error' : undefined}
          onChange={(event) => update({ host, loginId: event.target.value })}
        />
        <ErrorMessage error={view.error} id="manual-error" />
        <div className="actions">
          <CommandButton client={client} command="cancel">
            {t('cancel')}
          </CommandButton>
          <button type="submit" className="primary" disabled={host.trim() === '' || loginId.trim() === ''}>
            {t('next')}
          </button>
        </div>
      </form>
    </section>
  );
}
