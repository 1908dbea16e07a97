import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeywayClient } from '../../../electron/ipc/client';
import { MAX_PASSWORD_LENGTH, type ViewOf } from '../../../electron/ipc/view';
import { CommandButton } from '../components/Actions';
import { ErrorMessage } from '../components/ErrorMessage';
import { OtpInput } from '../components/OtpInput';
import { useEscape } from '../components/useEscape';
import { formatSeconds, useNow } from '../components/useNow';

type OneTimePasswordView = ViewOf<'oneTimePassword'>;

/**
 * A one-time password for another service (VPN, RADIUS). Core decides every step (ask, issue, show,
 * expire); this screen only renders it, keeps the typed password until it is sent once, and draws the
 * countdown to the expiry core published.
 */
export function OneTimePasswordScreen({
  view,
  client,
}: {
  view: OneTimePasswordView;
  client: KeywayClient;
}): React.JSX.Element {
  const { t } = useTranslation();
  useEscape(() => void client.invoke('goBack', {}).catch(() => undefined));
  const busy = view.phase === 'loading' || view.phase === 'issuing';
  return (
    <section className="screen" aria-labelledby="otp-title" aria-busy={busy}>
      <h1 id="otp-title">{t('oneTimePassword.title')}</h1>
      <p className="lead">{t('oneTimePassword.lead', { host: view.serverHost, loginId: view.loginId })}</p>
      {busy && (
        <p role="status">{view.phase === 'loading' ? t('oneTimePassword.loading') : t('oneTimePassword.issuing')}</p>
      )}
      {(view.phase === 'ask' || view.phase === 'issuing') && (
        <Reauthentication view={view} client={client} disabled={view.phase === 'issuing'} />
      )}
      {view.phase === 'showing' && view.otp && <ShownOtp otp={view.otp} />}
      {view.phase === 'expired' && (
        <>
          <p role="status" data-testid="otp-expired">
            {t('oneTimePassword.expired')}
          </p>
          <CommandButton client={client} command="newOneTimePassword" primary autoFocus>
            {t('oneTimePassword.again')}
          </CommandButton>
        </>
      )}
      <ErrorMessage error={view.error} id="otp-error" />
      <div className="actions">
        <CommandButton client={client} command="goBack">
          {t('back')}
        </CommandButton>
      </div>
    </section>
  );
}

/** The password (or, for users with one, a code from the authenticator app), sent once on Continue. */
function Reauthentication({
  view,
  client,
  disabled,
}: {
  view: OneTimePasswordView;
  client: KeywayClient;
  disabled: boolean;
}): React.JSX.Element {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [withAuthenticator, setWithAuthenticator] = useState(false);
  const send = (proof: { password: string } | { authenticatorCode: string }): void =>
    void client.invoke('issueOneTimePassword', proof).catch(() => undefined);

  if (withAuthenticator && view.canUseAuthenticator) {
    return (
      <div className="otp-reauth">
        <p className="prompt" id="otp-code-prompt">
          {t('oneTimePassword.authenticatorPrompt')}
        </p>
        <OtpInput
          disabled={disabled}
          describedBy="otp-code-prompt"
          onComplete={(code) => send({ authenticatorCode: code })}
        />
        <button type="button" className="link" onClick={() => setWithAuthenticator(false)}>
          {t('oneTimePassword.usePassword')}
        </button>
      </div>
    );
  }
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        send({ password });
        setPassword('');
      }}
    >
      <label htmlFor="otp-password">{t('oneTimePassword.reauth')}</label>
      <input
        id="otp-password"
        type="password"
        autoComplete="current-password"
        autoFocus
        maxLength={MAX_PASSWORD_LENGTH}
        value={password}
        disabled={disabled}
        aria-invalid={view.error !== null}
        aria-describedby={view.error ? 'otp-error' : undefined}
        onChange={(event) => setPassword(event.target.value)}
      />
      <button type="submit" className="primary" disabled={disabled || password === ''}>
        {t('oneTimePassword.show')}
      </button>
      {view.canUseAuthenticator && (
        <button type="button" className="link" onClick={() => setWithAuthenticator(true)}>
          {t('oneTimePassword.useAuthenticator')}
        </button>
      )}
    </form>
  );
}

/** The OTP, large and copyable, with a countdown bar to its expiry (no animation under reduced motion). */
function ShownOtp({ otp }: { otp: NonNullable<OneTimePasswordView['otp']> }): React.JSX.Element {
  const { t } = useTranslation();
  const now = useNow();
  const [copied, setCopied] = useState(false);
  const bar = useRef<HTMLDivElement | null>(null);
  const total = Math.max(1, otp.expiresAt - otp.issuedAt);
  const left = Math.max(0, Math.min(total, otp.expiresAt - now));
  const seconds = Math.ceil(left / 1000);
  useEffect(() => {
    // Set through the CSSOM: the CSP forbids inline style attributes, not style properties.
    if (bar.current) bar.current.style.transform = `scaleX(${left / total})`;
  }, [left, total]);
  return (
    <div className="otp-shown">
      <p className="otp-label" id="otp-value-label">
        {t('oneTimePassword.valueLabel')}
      </p>
      <p className="otp-value" data-testid="one-time-password" aria-labelledby="otp-value-label" translate="no">
        {/* Grouped 4 + 4 for reading; a copy takes the eight digits without the space. */}
        {otp.value.slice(0, 4)} {otp.value.slice(4)}
      </p>
      <button
        type="button"
        className="secondary"
        onClick={() =>
          void navigator.clipboard.writeText(otp.value).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? t('oneTimePassword.copied') : t('oneTimePassword.copy')}
      </button>
      <div
        className="countdown"
        role="progressbar"
        aria-label={t('oneTimePassword.expiresIn', { time: formatSeconds(left) })}
        aria-valuemin={0}
        aria-valuemax={Math.round(total / 1000)}
        aria-valuenow={seconds}
        aria-valuetext={t('oneTimePassword.remaining', { seconds })}
      >
        <div className="countdown-bar" ref={bar} />
      </div>
      <p className="hint">
        {t('oneTimePassword.expiresIn', { time: formatSeconds(left) })} · {t('oneTimePassword.once')}
      </p>
    </div>
  );
}
