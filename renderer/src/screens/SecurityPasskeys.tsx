import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeywayClient } from '../../../electron/ipc/client';
import { MAX_PASSWORD_LENGTH, type ViewOf } from '../../../electron/ipc/view';
import { formatDate } from '../i18n';

/**
 * Sign-in security's passkeys (issue 17): the list (name, authenticator, added, last used), "Add a
 * passkey" (the password, then the browser step: core/onboarding/passkey) and Remove (the password).
 * Its own section and its own password question, beside the authenticator apps.
 */
export function SecurityPasskeys({
  view,
  client,
}: {
  view: ViewOf<'security'>;
  client: KeywayClient;
}): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const [asking, setAsking] = useState<{ kind: 'add' } | { kind: 'remove'; id: string } | null>(null);
  const [password, setPassword] = useState('');
  const date = (ms: number): string => formatDate(ms, i18n.language);
  const send = (): void => {
    if (asking?.kind === 'add') void client.invoke('addPasskey', { password }).catch(() => undefined);
    if (asking?.kind === 'remove')
      void client.invoke('removePasskey', { id: asking.id, password }).catch(() => undefined);
    setPassword('');
    setAsking(null);
  };

  return (
    <section aria-labelledby="passkeys-title">
      <h2 id="passkeys-title">{t('passkey.listTitle')}</h2>
      {view.loaded && view.passkeys.length === 0 && <p>{t('passkey.none')}</p>}
      <ul className="items" data-testid="passkeys">
        {view.passkeys.map((p) => (
          <li key={p.id}>
            <span>
              {p.name}
              {p.authenticator ? ` (${p.authenticator})` : ''} · {t('passkey.created', { date: date(p.createdAt) })} ·{' '}
              {p.lastUsedAt === null ? t('passkey.neverUsed') : t('passkey.lastUsed', { date: date(p.lastUsedAt) })}
            </span>
            <button
              type="button"
              className="secondary"
              disabled={view.busy}
              aria-label={`${t('security.remove')}: ${p.name}`}
              onClick={() => setAsking({ kind: 'remove', id: p.id })}
            >
              {t('security.remove')}
            </button>
          </li>
        ))}
      </ul>
      <button
        type="button"
        className="secondary"
        disabled={view.busy || !view.loaded}
        onClick={() => setAsking({ kind: 'add' })}
      >
        {t('passkey.add')}
      </button>
      {asking && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            send();
          }}
        >
          <label htmlFor="passkey-password">{t('security.reauth')}</label>
          <input
            id="passkey-password"
            type="password"
            autoComplete="current-password"
            autoFocus
            maxLength={MAX_PASSWORD_LENGTH}
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          <div className="actions">
            <button type="button" className="secondary" onClick={() => setAsking(null)}>
              {t('cancel')}
            </button>
            <button type="submit" className="primary" disabled={password === ''}>
              {t('continue')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
