import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeywayClient } from '../../../electron/ipc/client';
import { MAX_PASSWORD_LENGTH, type ViewOf } from '../../../electron/ipc/view';

/** Sign-in security's recovery codes: how many are left, and "Get new codes" (password first). */
export function SecurityRecoveryCodes({
  view,
  client,
}: {
  view: ViewOf<'security'>;
  client: KeywayClient;
}): React.JSX.Element | null {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const [password, setPassword] = useState('');
  if (!view.loaded) return null;
  return (
    <>
      <h2>{t('recovery.securityTitle')}</h2>
      <p data-testid="security-recovery-status">
        {view.recoveryCodes === null
          ? t('recovery.securityNone')
          : t('recovery.securityLeft', { count: view.recoveryCodes.remaining })}
      </p>
      {asking ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            // The password is sent once and forgotten here; it never comes back in a view.
            void client.invoke('regenerateRecoveryCodes', { password }).catch(() => undefined);
            setPassword('');
            setAsking(false);
          }}
        >
          <label htmlFor="recovery-password">{t('security.reauth')}</label>
          <input
            id="recovery-password"
            type="password"
            autoComplete="current-password"
            autoFocus
            maxLength={MAX_PASSWORD_LENGTH}
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          <div className="actions">
            <button type="button" className="secondary" onClick={() => setAsking(false)}>
              {t('cancel')}
            </button>
            <button type="submit" className="primary" disabled={password === ''}>
              {t('recovery.regenerate')}
            </button>
          </div>
        </form>
      ) : (
        <button type="button" className="secondary" disabled={view.busy} onClick={() => setAsking(true)}>
          {t('recovery.regenerate')}
        </button>
      )}
    </>
  );
}
