import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeywayClient } from '../../../electron/ipc/client';
import type { ViewOf } from '../../../electron/ipc/view';
import { CommandButton } from '../components/Actions';
import { ErrorMessage } from '../components/ErrorMessage';
import { applyLanguage } from '../i18n';
import { ManagedNote } from '../components/ManagedNote';
import { Logo } from '../components/Logo';
import { UpdateBanner } from '../components/UpdateBanner';
import { useEscape } from '../components/useEscape';

type HomeView = ViewOf<'home'>;

export function HomeScreen({ view, client }: { view: HomeView; client: KeywayClient }): React.JSX.Element {
  const { t, i18n } = useTranslation();
  // The organisation pushed a language (and the machine policy fixes none): core says so, the UI follows.
  const pushedLanguage = view.language;
  useEffect(() => {
    if (pushedLanguage !== undefined && i18n.language !== pushedLanguage) void applyLanguage(pushedLanguage);
  }, [pushedLanguage, i18n.language]);
  // Forgetting removes the whole profile, so it takes a second, explicit press; Escape takes it back.
  const [confirmForget, setConfirmForget] = useState(false);
  useEscape(confirmForget ? () => setConfirmForget(false) : null);
  return (
    <section className="screen" aria-labelledby="home-title">
      <Logo />
      <h1 id="home-title">{t('homeTitle')}</h1>
      <dl className="facts">
        <dt>{t('homeUser')}</dt>
        <dd>
          <span data-testid="home-display-name">{view.displayName}</span> ({view.loginId}, {view.email})
        </dd>
        <dt>{t('homeServer')}</dt>
        <dd>
          <span data-testid="home-server">{view.serverName}</span> · {view.serverHost}
        </dd>
      </dl>
      {view.settingsUpdated === true && (
        <p className="banner" role="status" data-testid="home-settings-updated">
          {t('homeSettingsUpdated')}
        </p>
      )}
      {view.recoveryCodesLeft !== undefined && (
        <p className="warning" role="note" data-testid="home-recovery-codes-left">
          {view.recoveryCodesLeft === 0
            ? t('recovery.homeNone')
            : t('recovery.homeLeft', { count: view.recoveryCodesLeft })}
          {view.canManageSecurity && (
            <>
              {' '}
              <CommandButton client={client} command="openSecurity">
                {t('recovery.homeAction')}
              </CommandButton>
            </>
          )}
        </p>
      )}
      <ErrorMessage error={view.notice} id="home-notice" />
      <UpdateBanner client={client} />
      <ManagedNote managed={view.managed} />
      <div className="actions column">
        {/* The keychain refused the session at sign-in: once it is unlocked (or back), keep the session. */}
        {view.canRetry === true && (
          <CommandButton client={client} command="retry">
            {t('retry')}
          </CommandButton>
        )}
        <CommandButton client={client} command="signOut" primary autoFocus>
          {t('signOut')}
        </CommandButton>
        {view.canManageSecurity && (
          <CommandButton client={client} command="openSecurity">
            {t('security.open')}
          </CommandButton>
        )}
        {/* One-time passwords come from the same server API as the security page: password profiles. */}
        {view.canManageSecurity && (
          <CommandButton client={client} command="openOneTimePassword">
            {t('oneTimePassword.open')}
          </CommandButton>
        )}
        {confirmForget ? (
          <CommandButton client={client} command="forgetServer" autoFocus>
            {/* A password server also signs the user out on its other devices; unified login cannot. */}
            {t(view.canManageSecurity ? 'forgetConfirmEverywhere' : 'forgetConfirm', { host: view.serverHost })}
          </CommandButton>
        ) : (
          <button type="button" className="secondary" onClick={() => setConfirmForget(true)}>
            {t('forget')}
          </button>
        )}
      </div>
    </section>
  );
}
