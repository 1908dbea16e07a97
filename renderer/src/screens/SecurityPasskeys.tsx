import { useTranslation } from 'react-i18next';
import type { ViewOf } from '../../../electron/ipc/view';
import { ItemList } from '../components/ItemList';
import { formatDate } from '../i18n';
import type { PasswordAction } from './passwordActions';

/**
 * Sign-in security's passkeys (issue 17): the list (name, authenticator, added, last used), "Add a
 * passkey" (the password, then the browser step: core/onboarding/passkey) and Remove (the password).
 * Its own section, beside the authenticator apps; the page asks the password (`question`, shown here).
 */
export function SecurityPasskeys({
  view,
  onAsk,
  question,
}: {
  view: ViewOf<'security'>;
  onAsk: (action: PasswordAction) => void;
  question: React.ReactNode;
}): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const date = (ms: number): string => formatDate(ms, i18n.language);
  return (
    <section aria-labelledby="passkeys-title">
      <h2 id="passkeys-title">{t('passkey.listTitle')}</h2>
      {view.loaded && view.passkeys.length === 0 && <p>{t('passkey.none')}</p>}
      <ItemList
        testId="passkeys"
        items={view.passkeys.map((p) => ({
          id: p.id,
          name: p.name,
          text: `${p.name}${p.authenticator ? ` (${p.authenticator})` : ''} · ${t('passkey.created', { date: date(p.createdAt) })} · ${
            p.lastUsedAt === null ? t('passkey.neverUsed') : t('passkey.lastUsed', { date: date(p.lastUsedAt) })
          }`,
        }))}
        action={t('security.remove')}
        disabled={view.busy}
        onAction={(id) => onAsk({ command: 'removePasskey', id })}
      />
      <button
        type="button"
        className="secondary"
        disabled={view.busy || !view.loaded}
        onClick={() => onAsk({ command: 'addPasskey' })}
      >
        {t('passkey.add')}
      </button>
      {question}
    </section>
  );
}
